import { describe, expect, it } from 'vitest';
import { effectivePolicyTypes } from '../src/index.js';
import { policy } from './support.js';

describe('effectivePolicyTypes', () => {
  it('given explicit policyTypes, then they win even with rules of the other direction', () => {
    expect(effectivePolicyTypes(policy('a', 'p', { policyTypes: ['Egress'], ingress: [{}] }))).toEqual([
      'Egress',
    ]);
  });

  it('given none, then Ingress, plus Egress only when egress has a rule', () => {
    expect(effectivePolicyTypes(policy('a', 'p'))).toEqual(['Ingress']);
    expect(effectivePolicyTypes(policy('a', 'p', { egress: [] }))).toEqual(['Ingress']);
    expect(effectivePolicyTypes(policy('a', 'p', { egress: [{}] }))).toEqual(['Ingress', 'Egress']);
    expect(effectivePolicyTypes(policy('a', 'p', { policyTypes: [], egress: [{}] }))).toEqual([
      'Ingress',
      'Egress',
    ]);
  });
});
