import { describe, expect, it } from 'vitest';
import { lang } from '../i18n';
import { ApiError } from './client';

describe('what the console says when the API refuses an action', () => {
  it('shows the refusal as the API worded it in the page’s language, after what kind of refusal it is', () => {
    const refused = (detail: string) =>
      new ApiError(409, { type: 'urn:encaisse:problem:state-conflict', title: 'Conflit', detail });
    lang.value = 'fr';
    expect(refused('un débit ne règle aucune facture').explain()).toBe(
      'Impossible dans l’état actuel : un débit ne règle aucune facture',
    );
    lang.value = 'en';
    expect(refused('a debit pays no invoice').explain()).toBe(
      'Not possible in the current state: a debit pays no invoice',
    );
    lang.value = 'fr';
  });

  it('shows a note refused for a hidden character as the API worded it, naming the field and the character', () => {
    const detail = 'note : caractère d’inversion du sens d’écriture U+202E refusé (caractère n° 9)';
    const refused = new ApiError(400, {
      type: 'urn:encaisse:problem:validation',
      title: 'La requête est invalide',
      detail,
    });
    lang.value = 'fr';
    expect(refused.explain()).toBe(`La requête est invalide : ${detail}`);
  });
});
