import { z } from 'zod';
import { clock, parisToday } from '../../adapters/clock';
import { getRateOverride, RateOverride, RateVersionConflictError, saveRateOverride } from '../../adapters/db/rates';
import {
  defaultRateTable,
  HalfYear,
  mergeRateTables,
  missingRates,
  provenanceFromFlag,
  RateTable,
} from '../../core/dunning/rates';
import { fieldErrors, validationProblem, versionConflict } from '../http';
import { route } from '../route';
import { common } from '../schemas';

/**
 * Late-payment rates finance maintains twice a year: the ECB main refinancing rate in force on 1 January / 1 July
 * (L441-10 penalties: that rate + 10 points) and the legal interest rate of each half-year. The checked figures ship
 * with the code; finance's additions are one versioned record merged on top (adapters/db/rates.ts).
 */
const tag = 'Rates';

/** Penalties are computed from this date on: the half-years since then that lack a figure are reported. */
export const RATES_CHECKED_FROM = '2025-01-01';

export const MissingRates = z.array(
  z.object({
    half: HalfYear,
    /** The ECB rate in force on the half-year's first day is not known. */
    ecbMro: z.boolean(),
    /** The legal interest rate of the half-year is not known. */
    legalRate: z.boolean(),
  }),
);

const RatesView = z.object({
  /** The table every penalty computation uses: shipped figures + finance's additions. */
  table: RateTable,
  /** Finance's additions (absent until finance saves some); its version is the ETag. */
  override: RateOverride.optional(),
  /** Half-years from 2025-H1 to today's whose rates are missing: add them before a formal notice needs them. */
  missing: MissingRates,
});

/** What finance sends: its whole set of additions (replaces the previous one). */
const RatesUpdate = z.object({
  ecbMro: RateOverride.shape.ecbMro.describe(
    'ECB main refinancing rate changes {from: YYYY-MM-DD, rateBp}; merged by date over the shipped list',
  ),
  ecbMroKnownThrough: RateOverride.shape.ecbMroKnownThrough.describe(
    'Date up to which the ECB list is complete (e.g. 2026-07-01 once the July rate is known)',
  ),
  legalRate: RateOverride.shape.legalRate.describe(
    'Legal interest rate per half-year {half: 2026-H2, otherCasesBp, privateCreditorBp}; merged by half-year',
  ),
  source: RateOverride.shape.source.describe('Where the figures were read (ECB press release, arrêté, JORF reference)'),
  provenance: RateOverride.shape.provenance.describe(
    'Per half-year and rate {half: 2026-H2, rate: ecb_mro | legal_rate, assumption, source}: published or an ' +
      'assumption (letters label it so); a half-year added without an entry is published, read where source says',
  ),
  assumption: z
    .boolean()
    .optional()
    .describe(
      'Former single flag: true marks as an assumption every added half-year that has no provenance entry; prefer ' +
        'provenance',
    ),
});

function view(override: RateOverride | undefined) {
  const table = override ? mergeRateTables(defaultRateTable, override) : defaultRateTable;
  const today = parisToday();
  return { table, ...(override ? { override } : {}), missing: missingRates(table, RATES_CHECKED_FROM, today) };
}

export const rateRoutes = [
  route({
    method: 'GET',
    path: '/rates',
    operationId: 'getRates',
    tag,
    access: 'finance',
    summary: 'Late-payment rates: the effective table, finance’s additions and the half-years still missing a figure',
    responses: {
      200: {
        description: 'The rates; the ETag is the version of finance’s additions (absent before the first save)',
        schema: RatesView,
        etag: true,
      },
      ...common(),
    },
    handle: async () => {
      const override = await getRateOverride();
      return { status: 200, body: view(override), version: override?.version };
    },
  }),
  route({
    method: 'PUT',
    path: '/rates',
    operationId: 'putRates',
    tag,
    access: 'finance',
    ifMatch: 'required',
    summary:
      'Replace finance’s additions to the rate table (validated as a whole with the shipped figures); If-Match is ' +
      'required: the ETag of GET /rates, or * before the first save (GET /rates then has no ETag)',
    body: RatesUpdate,
    responses: {
      200: { description: 'The rates after the change', schema: RatesView, etag: true },
      ...common(409, 413, 415, 428),
    },
    handle: async ({ body, principal, ifMatch }) => {
      const current = await getRateOverride();
      if (ifMatch !== undefined && ifMatch !== current?.version)
        throw versionConflict('the rate table', current?.version);
      const duplicate = duplicateHalf(body.legalRate);
      if (duplicate) {
        throw validationProblem([
          { in: 'body', field: `legalRate.${duplicate.index}.half`, message: `${duplicate.half} is listed twice` },
        ]);
      }
      const twice = duplicateHalf(body.provenance.map((p) => ({ half: `${p.half} ${p.rate}` })));
      if (twice) {
        throw validationProblem([
          { in: 'body', field: `provenance.${twice.index}.half`, message: `${twice.half} is listed twice` },
        ]);
      }
      const { assumption, ...next } = body;
      let saved: RateOverride;
      try {
        if (assumption !== undefined)
          next.provenance = provenanceFromFlag(defaultRateTable, next, { assumption }, next.provenance);
        saved = await saveRateOverride(next, current?.version, principal.actor, clock().now().toISOString());
      } catch (err) {
        if (err instanceof RateVersionConflictError) throw versionConflict('the rate table');
        if (err instanceof z.ZodError) throw validationProblem(fieldErrors('body', err));
        throw err;
      }
      return { status: 200, body: view(saved), version: saved.version };
    },
  }),
];

function duplicateHalf(rows: { half: string }[]): { half: string; index: number } | undefined {
  const seen = new Set<string>();
  for (const [index, r] of rows.entries()) {
    if (seen.has(r.half)) return { half: r.half, index };
    seen.add(r.half);
  }
  return undefined;
}
