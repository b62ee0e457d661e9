import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CustomerIndex,
  findSubsets,
  foldText,
  ReferenceIndex,
  referenceKey,
  withinOneEdit,
} from '../../../functions/core/matching';
import { isValidCreditorReference } from '../../../functions/core/payments/creditor-reference';

describe('invoice numbers in bank texts', () => {
  const index = new ReferenceIndex(['F2024-00123', 'FA-2024/7', '2024123']);
  const ids = (texts: string[]) => index.find(texts).hits.map((h) => h.invoice);

  it('are read whatever the separators, case and prefix', () => {
    expect(ids(['reglement f2024 00123'])).toEqual([0]);
    expect(ids(['FACTURE N°2024-00123'])).toEqual([0]);
    expect(ids(['FA 2024 7 MERCI'])).toEqual([1]);
    expect(ids(['VIR 2024123'])).toEqual([2]);
  });

  it('never span two fields of the transaction', () => {
    expect(ids(['VIR F2024', '00123'])).toEqual([]);
  });

  it('one character off are found through the deletion neighbourhood, not a scan', () => {
    const { typoQueries } = index.find(['FACTURE F2024-00132']);
    const near = typoQueries.flatMap((q) => index.typoNeighbours(q));
    expect(near).toContain(0);
  });

  it('one character off are exactly the invoices one edit away, as a scan of every number would find them', () => {
    const id = fc.stringMatching(/^[FA]{0,2}[-/ ]?20[0-9]{2}-?[0-9]{2,5}$/);
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 1, maxLength: 60 }), fc.nat(), fc.string(), (list, pick, typo) => {
        const refs = new ReferenceIndex(list);
        const keys = list.map(referenceKey);
        // a query near one of the numbers (a character replaced, inserted or dropped), or any string at all
        const base = keys[pick % keys.length];
        const at = pick % (base.length + 1);
        for (const q of [
          base.slice(0, at) + (typo[0] ?? '7').toUpperCase() + base.slice(at + 1),
          base.slice(0, at) + (typo[0] ?? '7').toUpperCase() + base.slice(at),
          base.slice(0, at) + base.slice(at + 1),
          referenceKey(typo),
        ]) {
          const scan = keys.flatMap((k, i) => (k !== q && withinOneEdit(k, q) ? [i] : []));
          expect(refs.typoNeighbours(q)).toEqual(scan);
        }
      }),
    );
  });

  it('are compared by one key: letters and digits of the folded text, whatever the characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aZ09-/ é.ŒÆß\u0301_x'.split('')) }), (s) => {
        expect(referenceKey(s)).toBe(foldText(s).replace(/ /g, ''));
      }),
    );
  });

  it('one edit apart means one substitution, insertion, deletion or swap', () => {
    expect(withinOneEdit('F202400123', 'F202400124')).toBe(true);
    expect(withinOneEdit('F202400123', 'F20240123')).toBe(true);
    expect(withinOneEdit('F202400123', 'F202400213')).toBe(true);
    expect(withinOneEdit('F202400123', 'F202400231')).toBe(false);
  });
});

describe('payer names', () => {
  const index = new CustomerIndex([
    { customerId: 'A', name: 'Boulangerie Dupont et Fils SARL', ibans: [] },
    { customerId: 'B', name: 'Dupont Électricité SAS', ibans: ['FR76 3000 6000 0112 3456 7890 189'] },
  ]);
  const who = (name: string) =>
    index
      .identify(undefined, name, [])
      .filter((g) => g.score >= 0.85)
      .map((g) => g.customer);

  it('are folded: accents, case and punctuation do not matter', () => {
    expect(foldText("Électricité l'Étoile & Cie")).toBe('ELECTRICITE L ETOILE CIE');
    expect(who('DUPONT ELECTRICITE')).toEqual([1]);
  });

  it('match despite a cut legal form at the end of a truncated name', () => {
    expect(who('BOULANGERIE DUPONT ET FILS S')).toEqual([0]);
  });

  it('seen again give the same guesses, whatever was done with the first ones', () => {
    const fresh = new CustomerIndex([{ customerId: 'A', name: 'Boulangerie Dupont et Fils SARL', ibans: [] }]);
    const first = fresh.identify(undefined, 'BOULANGERIE DUPONT ET FILS S', []);
    const expected = structuredClone(first);
    for (const g of first) {
      g.reason = 'changed by a caller';
      g.score = 0;
    }
    expect(fresh.identify(undefined, 'BOULANGERIE DUPONT ET FILS S', [])).toEqual(expected);
  });

  it('sharing one word with a customer name are not that customer', () => {
    expect(who('DUPONT MARCEL')).toEqual([]);
  });

  it('of several companies with the same words are told apart by the legal form the payer states', () => {
    const twins = new CustomerIndex([
      { customerId: 'S', name: 'Fournier et Fils EURL', ibans: [] },
      { customerId: 'R', name: 'SARL Fournier et Fils', ibans: [] },
      { customerId: 'N', name: 'Fournier et Fils', ibans: [] },
    ]);
    const guesses = (name: string) =>
      twins.identify(undefined, name, []).map((g) => `${g.customer} ${g.score} ${g.reason.replace(/.*\(|\)$/g, '')}`);
    expect(guesses('FOURNIER ET FILS SARL')).toEqual([
      '1 1 same name',
      '2 1 same name',
      '0 0.8 same words, another legal form',
    ]);
    // no form stated, or one the bank may have cut ("SA" of "SAS"): nobody is set apart
    expect(guesses('FOURNIER ET FILS').map((g) => g.split(' ')[1])).toEqual(['1', '1', '1']);
    expect(guesses('FOURNIER ET FILS SA').map((g) => g.split(' ')[1])).toEqual(['1', '1', '1']);
  });

  it('of a company alone of its name keep their likeness whatever form the payer states', () => {
    const one = new CustomerIndex([{ customerId: 'S', name: 'Fournier et Fils EURL', ibans: [] }]);
    expect(one.identify(undefined, 'FOURNIER ET FILS SARL', [])[0].score).toBe(1);
  });

  it('fitting more customers equally than are kept say none of them, rather than the first ones in the book', () => {
    const towns = ['Roche', 'Aubert', 'Hubert', 'Nguyen', 'Benali', 'Morel', 'Colin', 'Tessier', 'Andre'];
    const many = (n: number) =>
      new CustomerIndex(towns.slice(0, n).map((t) => ({ customerId: t, name: `Froid industriel ${t}`, ibans: [] })));
    const eight = many(8).identify(undefined, 'FROID INDUSTRIEL', []);
    expect(eight).toHaveLength(8);
    expect(new Set(eight.map((g) => g.score)).size).toBe(1);
    expect(many(9).identify(undefined, 'FROID INDUSTRIEL', [])).toEqual([]);
  });

  it('an IBAN known for a customer identifies it, however it is spaced', () => {
    expect(index.identify('FR7630006000011234567890189', undefined, [])[0]).toMatchObject({
      customer: 1,
      via: 'iban',
      score: 1,
    });
  });
});

describe('which open invoices add up to a payment', () => {
  it('finds the combinations within the bounds', () => {
    expect(findSubsets([100, 250, 400, 650], 650, 650, { minSize: 2, maxSize: 3, maxSolutions: 5 })).toEqual([[1, 2]]);
  });

  it('finds the same combinations, in the same order, as trying every one of them oldest first', () => {
    // every subset in depth-first order over the amounts sorted ascending: what the pruned search must return
    const everyWay = (amounts: number[], low: number, high: number, o: { minSize: number; maxSize: number }) => {
      const order = amounts
        .map((_, i) => i)
        .filter((i) => amounts[i] > 0)
        .sort((a, b) => amounts[a] - amounts[b] || a - b);
      const out: number[][] = [];
      const go = (start: number, pick: number[], sum: number) => {
        if (pick.length >= o.minSize && sum >= low && sum <= high)
          out.push(pick.map((p) => order[p]).sort((a, b) => a - b));
        if (pick.length >= o.maxSize) return;
        for (let j = start; j < order.length; j++) go(j + 1, [...pick, j], sum + amounts[order[j]]);
      };
      go(0, [], 0);
      return out;
    };
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 400 }), { maxLength: 11 }),
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        (amounts, low, width, minSize, extra, maxSolutions) => {
          const o = { minSize, maxSize: minSize + extra - 1, maxSolutions };
          expect(findSubsets(amounts, low, low + width, o)).toEqual(
            everyWay(amounts, low, low + width, o).slice(0, maxSolutions),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('stops after a bounded amount of work on a large customer', () => {
    const amounts = Array.from({ length: 40 }, (_, i) => 1000 + i);
    const found = findSubsets(amounts, 1, 1, { minSize: 2, maxSize: 6, maxSolutions: 3, maxNodes: 1000 });
    expect(found).toEqual([]);
  });
});

describe('invoice numbers cited without their zero padding', () => {
  const index = new ReferenceIndex(['FA-2026-06685', 'FA-2026-16685', 'FA-2026-06686', 'F2024-00123']);
  const found = (text: string) => index.find([text]).hits.map((h) => `${h.invoice}:${h.kind}`);

  it('are read as that invoice, not as a typo of another', () => {
    expect(found('VIR FA 2026 6685 MERCI')).toEqual(['0:reformatted']);
    expect(found('FACT FA-2026-6686')).toEqual(['2:reformatted']);
    expect(found('F 2024 123')).toEqual(['3:reformatted']);
  });

  it('still need every part: a number with a part missing is not read', () => {
    expect(found('FA 6685')).toEqual([]);
  });
});

describe('ISO 11649 creditor references (RF)', () => {
  const index = new ReferenceIndex(['F2024-00123', 'F2024-00128']);
  const found = (text: string) => index.find([text]).hits.map((h) => `${h.invoice}:${h.kind}`);

  it('name their invoice exactly when the check digits hold, glued or printed by four', () => {
    expect(isValidCreditorReference('RF50F202400123')).toBe(true);
    expect(found('RF50F202400123')).toEqual(['0:exact']);
    expect(found('REF RF50 F202 4001 23')).toEqual(['0:exact']);
  });

  it('with check digits that fail are read as a typo: a character was mistyped somewhere', () => {
    // the payer typed 8 for 3: the digits of F2024-00128 are there, but the check digits are those of F2024-00123
    expect(isValidCreditorReference('RF50F202400128')).toBe(false);
    expect(found('RF50F202400128')).toEqual(['1:typo']);
  });
});
