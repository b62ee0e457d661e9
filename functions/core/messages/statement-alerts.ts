import type { IsoTimestamp } from '../dates';
import type { StatementProblem } from '../ingest/read';
import type { Anomaly, IngestSummary } from '../ingest/summary';
import type { FinanceAlertInput } from './finance';
import { formatDate, formatTimestamp, inLanguage, type Language, money, wordsIn } from './format';

/**
 * Finance's alerts about bank statements (rejected, processed, stuck), in finance's language and plain words: the
 * reason of a rejection named, amounts formatted, dates in the reader's format, the review queue named as the console
 * names it. The parsers' own technical messages (in English) stay on the statement's record in the console.
 */

/** "1234.56" (an anomaly's amount as the summary writes it) -> "1 234,56 €"; anything else as it is. */
function amount(value: string, language: Language): string {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(value);
  return m ? money(Number(`${m[1]}${m[2]}${m[3]}`), 'EUR', language) : value;
}

/** An ISO date as the reader writes it; anything else as it is. */
function day(value: string | undefined, language: Language): string {
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? formatDate(value.slice(0, 10), language) : (value ?? '?');
}

/** A timestamp as "23/01/2026 08:30 (heure de Paris)"; anything else as it is. */
function moment(value: string, language: Language): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? formatTimestamp(value as IsoTimestamp, language) : value;
}

/** A transaction id (account:booking day:hash) as "de l'opération du 12/01/2026". */
function transaction(id: string, language: Language): string {
  const m = /:(\d{4}-\d{2}-\d{2}):[0-9a-f]+$/.exec(id);
  return m ? inLanguage(language, `du ${formatDate(m[1], language)}`, `of ${formatDate(m[1], language)}`) : id;
}

/** The matcher's evidence that a returned payment gives back a given payment (core/matching/returns.ts), in words. */
const evidenceWords: [RegExp, (m: RegExpExecArray, language: Language) => string][] = [
  [/^same payer account$/, (_m, lg) => inLanguage(lg, 'même compte payeur', 'same payer account')],
  [/^same payer name$/, (_m, lg) => inLanguage(lg, 'même nom de payeur', 'same payer name')],
  [/^end-to-end id (.+)$/, (m, lg) => inLanguage(lg, `identifiant de bout en bout ${m[1]}`, `end-to-end id ${m[1]}`)],
  [/^bank reference (.+)$/, (m, lg) => inLanguage(lg, `référence bancaire ${m[1]}`, `bank reference ${m[1]}`)],
  [/^mandate (.+)$/, (m, lg) => inLanguage(lg, `mandat ${m[1]}`, `mandate ${m[1]}`)],
  [
    /^names (.+), which it paid$/,
    (m, lg) => inLanguage(lg, `cite ${m[1]}, qu’elle réglait`, `names ${m[1]}, which it paid`),
  ],
  [
    /^quotes its text "(.+)"$/,
    (m, lg) => inLanguage(lg, `reprend son libellé « ${m[1]} »`, `quotes its text “${m[1]}”`),
  ],
];

/** A credit of the payer left unlettered, as the matcher describes it (returns.ts describeUnlettered). */
const UNLETTERED = /^transaction (\S+) of (\d{4}-\d{2}-\d{2}), (-?\d+\.\d{2}), not lettered$/;

/**
 * A payment a returned payment may give back, as the matcher describes it ("transaction <id> of <day>, <amount>
 * lettered to <invoices> (<evidence>)"), told as "l'opération du 21/11/2026 de 500,00 € lettrée sur F-1 (même compte
 * payeur)"; a transaction id alone as its day.
 */
function candidatePayment(described: string, language: Language): string {
  const unlettered = UNLETTERED.exec(described);
  if (unlettered)
    return inLanguage(
      language,
      `l’opération du ${day(unlettered[2], language)} de ${amount(unlettered[3], language)}, non lettrée`,
      `the entry of ${day(unlettered[2], language)} of ${amount(unlettered[3], language)}, not lettered`,
    );
  const m = /^transaction (\S+) of (\d{4}-\d{2}-\d{2}), (-?\d+\.\d{2}) lettered to (.*?) \((.*)\)$/s.exec(described);
  if (!m) return transaction(described, language);
  const evidence = m[5]
    .split('; ')
    .map((e) => {
      for (const [re, say] of evidenceWords) {
        const found = re.exec(e);
        if (found) return say(found, language);
      }
      return e;
    })
    .join(inLanguage(language, ' ; ', '; '));
  return inLanguage(
    language,
    `l’opération du ${day(m[2], language)} de ${amount(m[3], language)} lettrée sur ${m[4]} (${evidence})`,
    `the entry of ${day(m[2], language)} of ${amount(m[3], language)} lettered to ${m[4]} (${evidence})`,
  );
}

const problems: Record<Language, Record<string, string>> = {
  fr: {
    corrupt: 'le fichier est endommagé ou mal formé',
    empty: 'le fichier ne contient aucun relevé',
    encoding: 'l’encodage des caractères du fichier est illisible',
    invalid_amount: 'un montant du fichier est illisible ou hors limites',
    invalid_date: 'une date du fichier est invalide',
    missing_field: 'une information obligatoire manque dans le fichier',
    truncated: 'le fichier est incomplet (coupé avant la fin)',
    unknown_format: 'le format du fichier n’est pas reconnu (formats lus : CFONB 120, camt.053/054, MT940, OFX, CSV)',
    unsupported_version: 'cette version du format n’est pas prise en charge',
    unreadable: 'le fichier n’a pas pu être lu',
    file_too_large: 'le fichier dépasse la taille maximale acceptée : le découper en plusieurs fichiers',
    too_many_entries:
      'le fichier contient plus d’opérations que la limite acceptée : le découper en plusieurs fichiers',
    balance_mismatch:
      'les soldes ne concordent pas : solde d’ouverture et opérations ne donnent pas le solde de clôture',
  },
  en: {
    corrupt: 'the file is damaged or malformed',
    empty: 'the file holds no statement',
    encoding: 'the file’s character encoding is unreadable',
    invalid_amount: 'an amount of the file is unreadable or out of bounds',
    invalid_date: 'a date of the file is invalid',
    missing_field: 'a required piece of information is missing from the file',
    truncated: 'the file is incomplete (cut before its end)',
    unknown_format: 'the file’s format is not recognised (formats read: CFONB 120, camt.053/054, MT940, OFX, CSV)',
    unsupported_version: 'this version of the format is not supported',
    unreadable: 'the file could not be read',
    file_too_large: 'the file is over the maximum size accepted: split it into several files',
    too_many_entries: 'the file holds more entries than the limit accepted: split it into several files',
    balance_mismatch: 'the balances do not agree: opening balance and entries do not give the closing balance',
  },
};

/** The balances of a balance_mismatch, formatted ("1234.56, stated closing 1334.56 (difference 100.00)"). */
function balances(problem: StatementProblem, language: Language): string | undefined {
  const m = /= (-?\d+\.\d{2}), stated closing (-?\d+\.\d{2}) \(difference (-?\d+\.\d{2})\)/.exec(problem.message);
  if (problem.code !== 'balance_mismatch' || !m) return undefined;
  const [computed, stated, difference] = m.slice(1).map((v) => amount(v, language));
  return inLanguage(
    language,
    `calculé ${computed}, annoncé ${stated} (écart ${difference})`,
    `computed ${computed}, stated ${stated} (difference ${difference})`,
  );
}

/** Where in the file: "relevé 1, opération 3 (compte …)" for the checks' own places, a parser's element as it is. */
function place(element: string, language: Language): string {
  const m = /^statement (\d+)(?:, entry (\d+))?(?: \(account (.+)\))?$/.exec(element);
  if (!m) return element;
  const [, statement, entry, account] = m;
  return [
    inLanguage(language, `relevé ${statement}`, `statement ${statement}`),
    entry ? inLanguage(language, `, opération ${entry}`, `, entry ${entry}`) : '',
    account ? inLanguage(language, ` (compte ${account})`, ` (account ${account})`) : '',
  ].join('');
}

/** A bank statement file was refused: why, where, and that it waits to be fixed and dropped again. */
export function statementRejectedAlert(input: {
  language?: Language;
  fileName: string;
  rejectedKey: string;
  error: StatementProblem;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const { error } = input;
  const figures = balances(error, language);
  return {
    language,
    kind: 'statement_rejected',
    title: input.fileName,
    occurredAt: input.at,
    details: [
      {
        label: l('Motif', 'Reason'),
        value: problems[language][error.code] ?? l('fichier illisible', 'unreadable file'),
      },
      ...(figures ? [{ label: l('Soldes', 'Balances'), value: figures }] : []),
      ...(error.line !== undefined ? [{ label: l('Ligne du fichier', 'Line of the file'), value: error.line }] : []),
      ...(error.element
        ? [{ label: l('Endroit du fichier', 'Place in the file'), value: place(error.element, language) }]
        : []),
      {
        label: l('Détail technique', 'Technical detail'),
        value: l(
          'sur la page Relevés de la console (au survol du motif)',
          'on the Statements page of the console (hover the reason)',
        ),
      },
      { label: l('Fichier conservé sous', 'File kept at'), value: input.rejectedKey },
    ],
    action: l(
      'corriger le fichier (ou le demander à nouveau à la banque), puis le retraiter depuis la page Relevés de la ' +
        'console ou le redéposer.',
      'fix the file (or ask the bank for it again), then reprocess it from the Statements page of the console or ' +
        'drop it again.',
    ),
  };
}

/** A statement left `processing` after every retry: the file is to be dropped again (or its message replayed). */
export function statementStuckAlert(input: {
  language?: Language;
  sourceKey: string;
  receivedAt: IsoTimestamp;
  checksum: string;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  return {
    language,
    kind: 'statement_stuck',
    title: input.sourceKey,
    occurredAt: input.at,
    details: [
      { label: l('Fichier', 'File'), value: input.sourceKey },
      { label: l('Reçu le', 'Received on'), value: moment(input.receivedAt, language) },
      { label: l('Référence technique (empreinte)', 'Technical reference (checksum)'), value: input.checksum },
    ],
    action: l(
      'le relevé est resté en cours de traitement après toutes les tentatives : redéposer le fichier, ou demander ' +
        'à l’exploitation de rejouer son message depuis la file d’erreurs de l’import (DLQ).',
      'the statement stayed in processing after every attempt: drop the file again, or ask operations to replay ' +
        'its message from the import’s dead-letter queue.',
    ),
  };
}

function anomalyLine(a: Anomaly, language: Language): string {
  const { l } = wordsIn(language);
  switch (a.kind) {
    case 'unknown_credit':
      return l(
        `Virement reçu non identifié du ${day(a.date, language)} : ${amount(a.amount, language)} — ${a.label}`,
        `Unidentified credit of ${day(a.date, language)}: ${amount(a.amount, language)} — ${a.label}`,
      );
    case 'returned_payment': {
      const reopened = a.reopened.length
        ? l(` (factures rouvertes : ${a.reopened.join(', ')})`, ` (invoices reopened: ${a.reopened.join(', ')})`)
        : '';
      const candidates = a.candidates?.map((c) => candidatePayment(c, language)).join(', ');
      const unlinked = !a.candidates
        ? a.withdrawn && !a.reopened.length
          ? l(
              ' — paiement d’origine non lettré, rien n’a été rouvert : il est marqué rendu par la banque et ne ' +
                'pourra plus être lettré',
              ' — original payment not lettered, nothing reopened: it is marked as returned by the bank and can no ' +
                'longer be lettered',
            )
          : ''
        : a.candidates.length === 0
          ? l(
              ' — paiement d’origine non identifié, rien n’a été rouvert',
              ' — original payment not identified, nothing reopened',
            )
          : a.withdrawn
            ? l(
                ` — paiement d’origine non lettré, rien n’a été rouvert : ${candidates}, est marquée rendue par ` +
                  'la banque et ne pourra plus être lettrée',
                ` — original payment not lettered, nothing reopened: ${candidates}, is marked as returned by the ` +
                  'bank and can no longer be lettered',
              )
            : a.candidates.every((c) => UNLETTERED.test(c))
              ? l(
                  ` — paiement d’origine non lettré, rien n’a été rouvert ; ne pas lettrer : ${candidates}`,
                  ` — original payment not lettered, nothing reopened; do not letter: ${candidates}`,
                )
              : l(
                  ` — paiement d’origine non identifié, rien n’a été rouvert ; à choisir parmi : ${candidates}`,
                  ` — original payment not identified, nothing reopened; one of: ${candidates}`,
                );
      return (
        l(
          `Paiement rejeté (impayé) du ${day(a.date, language)} : ${amount(a.amount, language)} — ${a.label}`,
          `Returned payment of ${day(a.date, language)}: ${amount(a.amount, language)} — ${a.label}`,
        ) +
        reopened +
        unlinked
      );
    }
    case 'to_review':
      return l(
        `À rapprocher : opération du ${day(a.date, language)}, ${amount(a.amount, language)} — ${a.label} ` +
          `(${a.suggestions} proposition${a.suggestions > 1 ? 's' : ''})`,
        `To match: entry of ${day(a.date, language)}, ${amount(a.amount, language)} — ${a.label} ` +
          `(${a.suggestions} suggestion${a.suggestions > 1 ? 's' : ''})`,
      );
    case 'allocation_refused':
      return l(
        `Lettrage refusé pour l’opération ${transaction(a.transactionId, language)} : à rapprocher à la main`,
        `Match refused for the entry ${transaction(a.transactionId, language)}: to match by hand`,
      );
    case 'identity_conflict': {
      const m = /^(\d{4}-\d{2}-\d{2}) (-?\d+\.\d{2})/.exec(a.stored);
      const stored = m ? `${day(m[1], language)}, ${amount(m[2], language)}` : a.stored;
      return l(
        `Opération déjà enregistrée avec d’autres valeurs : reçue le ${day(a.date, language)}, ` +
          `${amount(a.amount, language)} ; enregistrée le ${stored} (conservée telle qu’enregistrée, à vérifier)`,
        `Entry already stored with other values: received ${day(a.date, language)}, ${amount(a.amount, language)}; ` +
          `stored ${stored} (kept as stored, to check)`,
      );
    }
    case 'texts_cut':
      return l(
        `Textes trop longs pour être enregistrés : opération du ${day(a.date, language)}, ` +
          `${amount(a.amount, language)} ; ${a.cutChars} caractères laissés de côté (le fichier du relevé les ` +
          'garde) : une référence de facture a pu y rester, vérifier son lettrage',
        `Texts too long to be stored: entry of ${day(a.date, language)}, ${amount(a.amount, language)}; ` +
          `${a.cutChars} characters left out (the statement file keeps them): an invoice reference may be among ` +
          'them, check its match',
      );
    case 'day_inconsistent':
      return dayLine(a, language);
  }
}

/** A booking day that disagrees with an earlier file: the figures of both, and what to check. */
function dayLine(a: Extract<Anomaly, { kind: 'day_inconsistent' }>, language: Language): string {
  const { l } = wordsIn(language);
  const f = a.figures;
  const sum = (cents: number) => money(cents, 'EUR', language);
  const moves = (n: number) => l(`${n} mouvement${n > 1 ? 's' : ''}`, `${n} movement${n > 1 ? 's' : ''}`);
  const head = l(
    `Journée du ${day(a.date, language)} (compte ${a.account}) différente d’un relevé reçu avant`,
    `Day ${day(a.date, language)} (account ${a.account}) differs from an earlier statement`,
  );
  if (f && (f.entries !== f.earlierEntries || f.totalCents !== f.earlierTotalCents))
    return l(
      `${head} : ${moves(f.entries)} pour ${sum(f.totalCents)} dans ce fichier, ${moves(f.earlierEntries)} pour ` +
        `${sum(f.earlierTotalCents)} dans le précédent ; un des fichiers a été coupé en cours de journée, des ` +
        'opérations identiques ont pu être confondues : vérifier cette journée avec la banque',
      `${head}: ${moves(f.entries)} for ${sum(f.totalCents)} in this file, ${moves(f.earlierEntries)} for ` +
        `${sum(f.earlierTotalCents)} in the earlier one; one of the files was cut inside the day, identical entries ` +
        'may have been taken for one: check that day against the bank',
    );
  if (f)
    return l(
      `${head} : le précédent contenait déjà toute la journée (${moves(f.entries)}, ${sum(f.totalCents)}), mais ` +
        `${f.newEntries} de ce fichier sont nouveaux : les mêmes opérations, décrites autrement, ont pu être ` +
        'enregistrées deux fois ; vérifier cette journée avec la banque',
      `${head}: the earlier one already held the whole day (${moves(f.entries)}, ${sum(f.totalCents)}), yet ` +
        `${f.newEntries} of this file are new: the same entries, described differently, may be stored twice; check ` +
        'that day against the bank',
    );
  return l(
    `${head} : un des fichiers a été coupé en cours de journée, ou les mêmes opérations y sont décrites autrement ; ` +
      'vérifier cette journée avec la banque',
    `${head}: one of the files was cut inside the day, or describes the same entries differently; check that day ` +
      'against the bank',
  );
}

const formats: Record<string, string> = {
  cfonb120: 'CFONB 120',
  camt053: 'camt.053',
  camt054: 'camt.054',
  mt940: 'MT940',
  ofx: 'OFX',
  csv: 'CSV',
};

/** A statement was read and reconciled: its counts, and each entry that needs a person. */
export function statementProcessedAlert(input: {
  language?: Language;
  summary: IngestSummary & { omittedAnomalies?: number };
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const { summary } = input;
  const c = summary.counts;
  const fr = (count: number, one: string, many: string) => `${count} ${count > 1 ? many : one}`;
  const toReview = summary.anomalies.length > 0;
  return {
    language,
    kind: toReview ? 'statement_to_review' : 'statement_processed',
    title: l(
      `${summary.fileName} : ${fr(c.matched, 'opération lettrée', 'opérations lettrées')}, ${c.suggested} à ` +
        `vérifier, ${fr(c.unmatched, 'inconnue', 'inconnues')}`,
      `${summary.fileName}: ${c.matched} entries matched, ${c.suggested} to review, ${c.unmatched} unknown`,
    ),
    occurredAt: input.at,
    details: [
      {
        label: l('Format', 'Format'),
        value: formats[summary.format] ?? summary.format.replace(/_/g, ' ').toUpperCase(),
      },
      {
        label: l('Période', 'Period'),
        value: l(
          `du ${day(summary.period.from, language)} au ${day(summary.period.to, language)}`,
          `${day(summary.period.from, language)} to ${day(summary.period.to, language)}`,
        ),
      },
      { label: l('Opérations lues', 'Entries read'), value: c.entries },
      { label: l('Nouvelles', 'New'), value: c.newTransactions },
      { label: l('Déjà reçues', 'Already received'), value: c.duplicates },
      {
        label: l('Lettrage automatique', 'Matched automatically'),
        value: `${Math.round(summary.autoMatchRate * 100)} %`,
      },
    ],
    items: [
      ...summary.anomalies.map((a) => anomalyLine(a, language)),
      ...(summary.omittedAnomalies
        ? [
            l(
              `… et ${summary.omittedAnomalies} autres, dans la file de rapprochement de la console`,
              `… and ${summary.omittedAnomalies} more, in the console’s review queue`,
            ),
          ]
        : []),
    ],
    action: toReview
      ? l(
          'traiter ces opérations dans la file de rapprochement de la console (Rapprochement).',
          'work through these entries in the console’s review queue (Reconciliation).',
        )
      : undefined,
  };
}
