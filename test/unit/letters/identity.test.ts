import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import demo from '../../../cdk.json';
import { readCreditorIdentity } from '../../../functions/adapters/config';
import {
  frenchVatNumber,
  isValidSiren,
  isValidSiret,
  legalIdentityProblems,
  legalMentions,
  luhnValid,
} from '../../../functions/core/letters/identity';
import { parseSettings } from '../../../lib/settings';

const identityEnv = {
  CREDITOR_LEGAL_FORM: 'SARL',
  CREDITOR_SHARE_CAPITAL_CENTS: '500000',
  CREDITOR_SIREN: '123 456 782',
  CREDITOR_SIRET: '123 456 782 00002',
  CREDITOR_RCS_CITY: 'Lyon',
  CREDITOR_VAT_NUMBER: 'fr 11 123456782',
  CREDITOR_REGISTERED_ADDRESS: '3 quai Test|69002 Lyon',
  CREDITOR_SIGNATORY_NAME: 'Paul Test',
  CREDITOR_SIGNATORY_TITLE: 'Gérant',
  CREDITOR_CONTACT_NAME: 'Anne Test',
  CREDITOR_CONTACT_EMAIL: 'compta@atelier-test.example.fr',
  CREDITOR_CONTACT_PHONE: '04 00 00 00 00',
};

describe('the creditor’s legal identity', () => {
  it('a SIREN with one digit changed fails its Luhn check', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const siren = '123456782';
        const changed = siren.slice(0, pos) + String((Number(siren[pos]) + delta) % 10) + siren.slice(pos + 1);
        return isValidSiren(siren) && !isValidSiren(changed);
      }),
    );
  });

  it('every SIREN completed by its Luhn digit is valid, and its SIRET of the head office too', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), (head) => {
        const siren = [...'0123456789'].map((d) => head + d).find(luhnValid)!;
        const siret = [...Array(100).keys()].map((n) => `${siren}000${String(n).padStart(2, '0')}`).find(luhnValid)!;
        return isValidSiren(siren) && isValidSiret(siret);
      }),
    );
  });

  it('the French VAT number’s key is computed from the SIREN (12 + 3 × SIREN mod 97)', () => {
    expect(frenchVatNumber('123456782')).toBe('FR11123456782');
    expect(frenchVatNumber('404833048')).toBe('FR83404833048');
  });

  it('a SIRET of another company or a VAT number of another SIREN is named as inconsistent', () => {
    expect(
      legalIdentityProblems({ siren: '123456782', siret: '99999999800019', vatNumber: 'FR83404833048' }).map(
        (p) => p.field,
      ),
    ).toEqual(['siret', 'vatNumber']);
  });

  it('is read at cold start with spaces and lower case tolerated', () => {
    expect(readCreditorIdentity(identityEnv)).toMatchObject({
      siren: '123456782',
      siret: '12345678200002',
      vatNumber: 'FR11123456782',
      shareCapitalCents: 500_000,
    });
  });

  it('cold start names each bad setting: a wrong SIREN key, a missing signatory, an e-mail that is not one', () => {
    const bad = { ...identityEnv, CREDITOR_SIGNATORY_NAME: undefined, CREDITOR_CONTACT_EMAIL: 'compta' };
    expect(() => readCreditorIdentity(bad)).toThrow(
      /CREDITOR_SIGNATORY_NAME.*CREDITOR_CONTACT_EMAIL|CREDITOR_CONTACT_EMAIL.*CREDITOR_SIGNATORY_NAME/,
    );
    expect(() => readCreditorIdentity({ ...identityEnv, CREDITOR_SIREN: '123456789' })).toThrow(
      /CREDITOR_SIREN: a SIREN of 9 digits/,
    );
  });

  it('the demo settings are a valid, clearly fictitious identity', () => {
    const s = parseSettings(demo.context);
    expect(s).toMatchObject({
      creditorSiren: '999999998',
      creditorVatNumber: 'FR11999999998',
      creditorSignatoryTitle: 'Présidente (fictive)',
    });
  });

  it('synthesis stops naming each bad identity setting', () => {
    const ctx = { ...demo.context, creditorSiren: '999999999', creditorSignatoryName: undefined };
    expect(() => parseSettings(ctx)).toThrow(
      /context creditorSiren: a SIREN of 9 digits.*context creditorSignatoryName/s,
    );
    expect(() => parseSettings({ ...demo.context, creditorVatNumber: 'FR00999999998' })).toThrow(
      /context creditorVatNumber: the French VAT number of this SIREN is FR11999999998/,
    );
  });

  it(
    'prints the mentions of Code de commerce R123-237: legal form, share capital, registered office, RCS and its ' +
      'city',
    () => {
      const id = readCreditorIdentity(identityEnv);
      expect(legalMentions('Atelier Test SARL', id, 'fr')).toEqual([
        'Atelier Test SARL, SARL au capital de 5\u202f000,00\u00a0€',
        'Siège social : 3 quai Test, 69002 Lyon',
        'RCS Lyon 123 456 782 – SIRET 123 456 782 00002 – TVA intracommunautaire FR11123456782',
      ]);
    },
  );
});
