#!/usr/bin/env node
// Launcher for `npx recon`: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./recon.ts');
