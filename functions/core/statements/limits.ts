/**
 * Statement-file limits when the deployment sets none: what a 1 GB ingest function parses with headroom (README,
 * Performance). Plain constants shared by the ingest's cold-start settings (functions/adapters/config.ts) and the
 * deployment settings (lib/settings.ts), so the infrastructure does not import a runtime adapter.
 */
export const DEFAULT_STATEMENT_MAX_BYTES = 10_000_000;
export const DEFAULT_STATEMENT_MAX_ENTRIES = 10_000;
