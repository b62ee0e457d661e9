#!/usr/bin/env node
import '../recon.mjs';
