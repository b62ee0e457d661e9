/**
 * Statement-file limits when the deployment sets none. Every format is read chunk by chunk and, past the entry limit,
 * only counted: a 200 MB file of each format was read within 279 MB peak RSS under a 400 MB heap cap, the ingest's
 * 512 MB (npm run bench:limit, README "Figures"), so the size limit is the size measured. Plain constants shared by
 * the ingest's cold-start settings (functions/adapters/config.ts) and the deployment settings (lib/settings.ts), so the
 * infrastructure does not import a runtime adapter.
 */
export const DEFAULT_STATEMENT_MAX_BYTES = 200_000_000;
export const DEFAULT_STATEMENT_MAX_ENTRIES = 10_000;
