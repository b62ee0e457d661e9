import type { IsoTimestamp } from '../dates';
import type { EInvoiceErrorCode } from '../einvoices/errors';
import type { FinanceAlertInput } from './finance';
import { type Language, wordsIn } from './format';

/** Every reason an e-invoice is refused for (the type makes a missing one an error), in each language. */
const reasons: Record<Language, Record<EInvoiceErrorCode | 'buyer_mismatch', string>> = {
  fr: {
    ambiguous: 'le PDF contient plusieurs factures XML différentes : impossible de savoir laquelle importer',
    buyer_mismatch:
      'l’identifiant de l’acheteur est celui d’un client existant dont le nom est différent : la facture n’a pas été ' +
      'rattachée à ce client',
    corrupt: 'le fichier est endommagé ou mal formé',
    empty: 'le fichier est vide',
    invalid_amount: 'un montant de la facture est illisible',
    invalid_date: 'une date de la facture est invalide',
    missing_field: 'une information obligatoire manque dans la facture',
    no_invoice_attachment: 'le PDF ne contient pas de facture XML (Factur-X ou ZUGFeRD) : c’est un PDF ordinaire',
    not_an_invoice: 'le fichier n’est pas une facture électronique (Factur-X, UBL ou CII)',
    too_large: 'le fichier dépasse la taille maximale acceptée',
    unsupported: 'cette forme de fichier n’est pas prise en charge',
  },
  en: {
    ambiguous: 'the PDF carries several different invoice XMLs: there is no telling which one to import',
    buyer_mismatch:
      'the buyer’s identifier is that of an existing customer with a different name: the invoice was not attached ' +
      'to that customer',
    corrupt: 'the file is damaged or malformed',
    empty: 'the file is empty',
    invalid_amount: 'an amount of the invoice is unreadable',
    invalid_date: 'a date of the invoice is invalid',
    missing_field: 'a required piece of information is missing from the invoice',
    no_invoice_attachment: 'the PDF carries no invoice XML (Factur-X or ZUGFeRD): it is an ordinary PDF',
    not_an_invoice: 'the file is not an electronic invoice (Factur-X, UBL or CII)',
    too_large: 'the file is over the maximum size accepted',
    unsupported: 'this kind of file is not supported',
  },
};

/**
 * An e-invoice file of the inbox was refused, told to finance in its language. The reader's own technical message
 * (in English) stays in the report kept beside the file.
 */
export function einvoiceRejectedAlert(input: {
  language?: Language;
  fileName: string;
  storedKey: string;
  code?: string;
  invoiceId?: string;
  customerId?: string;
  at: IsoTimestamp;
}): FinanceAlertInput {
  const { language, l } = wordsIn(input.language);
  const reason =
    (input.code && reasons[language][input.code as EInvoiceErrorCode]) ??
    l('les données de la facture ne sont pas valides', 'the invoice’s data is not valid');
  return {
    language,
    kind: 'einvoice_rejected',
    title: input.fileName,
    occurredAt: input.at,
    details: [
      { label: l('Motif', 'Reason'), value: reason },
      ...(input.invoiceId ? [{ label: l('Facture', 'Invoice'), value: input.invoiceId }] : []),
      ...(input.code === 'buyer_mismatch' && input.customerId
        ? [{ label: l('Client existant', 'Existing customer'), value: input.customerId }]
        : []),
      {
        label: l('Détail technique', 'Technical detail'),
        value: l('dans le rapport report.json conservé à côté du fichier', 'in the report.json kept beside the file'),
      },
      { label: l('Fichier conservé sous', 'File kept at'), value: input.storedKey },
    ],
    action: l(
      'corriger le fichier (ou le redemander à l’émetteur), puis le déposer à nouveau dans le dossier de dépôt des ' +
        'factures (invoices/inbox/).',
      'fix the file (or ask its issuer for it again), then drop it again in the invoices’ inbox (invoices/inbox/).',
    ),
  };
}
