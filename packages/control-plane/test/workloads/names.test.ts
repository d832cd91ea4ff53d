import { describe, expect, it } from 'vitest';
import type { PodTemplateSpec } from '@knsim/api';
import { RandomStreams } from '@knsim/core';
import {
  controllerPodName,
  controllerPodPrefix,
  fnv1a32,
  generateName,
  jobPodName,
  jobPodPrefix,
  MAX_GENERATED_NAME_PREFIX_LENGTH,
  NAME_ALPHABET,
  podTemplateHash,
  randomNameSuffix,
  replicaSetName,
  safeEncodeString,
  statefulSetPodName,
} from '../../src/workloads/names.js';

const template = (image: string): PodTemplateSpec => ({
  metadata: { labels: { app: 'web', tier: 'front' } },
  spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }] }] },
});

const rng = (name = 'names') => new RandomStreams(7).stream(name);

describe('fnv1a32 and safeEncodeString', () => {
  it('match the published FNV-1a test vectors', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(fnv1a32(bytes(''))).toBe(0x811c9dc5);
    expect(fnv1a32(bytes('a'))).toBe(0xe40c292c);
    expect(fnv1a32(bytes('foobar'))).toBe(0xbf9cf968);
  });

  it('maps the decimal digits into the name alphabet', () => {
    expect(NAME_ALPHABET).toHaveLength(27);
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });
});

describe('podTemplateHash', () => {
  it('is 1 to 10 characters over the encoded digits', () => {
    for (const image of ['nginx:1.25', 'nginx:1.26', 'busybox', '']) {
      expect(podTemplateHash(template(image))).toMatch(/^[4-9bcdf]{1,10}$/);
    }
  });

  it('is stable: equal templates hash alike, whatever their key order', () => {
    const reordered: PodTemplateSpec = {
      spec: { containers: [{ ports: [{ containerPort: 8080 }], image: 'nginx:1.25', name: 'web' }] },
      metadata: { labels: { tier: 'front', app: 'web' } },
    };
    expect(podTemplateHash(reordered)).toBe(podTemplateHash(template('nginx:1.25')));
  });

  it('differs for a different template or collision count', () => {
    const base = podTemplateHash(template('nginx:1.25'));
    expect(podTemplateHash(template('nginx:1.26'))).not.toBe(base);
    const withZero = podTemplateHash(template('nginx:1.25'), 0);
    expect(withZero).not.toBe(base);
    expect(podTemplateHash(template('nginx:1.25'), 1)).not.toBe(withZero);
    expect(() => podTemplateHash(template('x'), -1)).toThrow(RangeError);
  });

  it('names the Deployment ReplicaSet after it', () => {
    const hash = podTemplateHash(template('nginx:1.25'));
    expect(replicaSetName('web', hash)).toBe(`web-${hash}`);
  });
});

describe('random names', () => {
  it('draws 5-character suffixes uniformly over the 27-character alphabet', () => {
    const stream = rng();
    const seen = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      const suffix = randomNameSuffix(stream);
      expect(suffix).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      for (const char of suffix) seen.set(char, (seen.get(char) ?? 0) + 1);
    }
    expect([...seen.keys()].sort().join('')).toBe([...NAME_ALPHABET].sort().join(''));
    // 10,000 characters: each expected about 370 times.
    for (const count of seen.values()) expect(count).toBeGreaterThan(250);
  });

  it('is reproducible from the seed and the stream name', () => {
    expect(randomNameSuffix(rng('a'))).toBe(randomNameSuffix(rng('a')));
    expect(controllerPodName('web-5d59d67564', rng('a'))).toBe(controllerPodName('web-5d59d67564', rng('a')));
  });

  it('truncates a generateName prefix to 58 characters before the suffix', () => {
    const long = 'x'.repeat(70);
    const name = generateName(long, rng());
    expect(MAX_GENERATED_NAME_PREFIX_LENGTH).toBe(58);
    expect(name).toHaveLength(63);
    expect(name.slice(0, 58)).toBe('x'.repeat(58));
    expect(generateName('web-', rng())).toMatch(/^web-[a-z0-9]{5}$/);
  });
});

describe('pod names of controllers', () => {
  it('prefixes ReplicaSet pods with the ReplicaSet name and a dash', () => {
    expect(controllerPodPrefix('web-5d59d67564')).toBe('web-5d59d67564-');
    expect(controllerPodName('web-5d59d67564', rng())).toMatch(/^web-5d59d67564-[a-z0-9]{5}$/);
    // A name that would not validate as a prefix is used without the dash.
    expect(controllerPodPrefix('Not_Valid')).toBe('Not_Valid');
  });

  it('names StatefulSet pods by ordinal', () => {
    expect(statefulSetPodName('db', 0)).toBe('db-0');
    expect(statefulSetPodName('db', 12)).toBe('db-12');
  });

  it('names Job pods, keeping the completion index of an Indexed Job within 58 characters', () => {
    expect(jobPodPrefix('pi')).toBe('pi-');
    expect(jobPodPrefix('pi', 3)).toBe('pi-3-');
    const long = 'j'.repeat(60);
    expect(jobPodPrefix(long, 12)).toBe(`${'j'.repeat(54)}-12-`);
    expect(jobPodPrefix(long, 12)).toHaveLength(58);
    expect(jobPodName('pi', 3, rng())).toMatch(/^pi-3-[a-z0-9]{5}$/);
    expect(jobPodName('pi', undefined, rng())).toMatch(/^pi-[a-z0-9]{5}$/);
  });
});
