import { describe, expect, it } from 'vitest';
import { DnsConfigError, staticUpstream } from '../src/index.js';

const ROOT_SOA = {
  name: '.',
  type: 'SOA',
  ttl: 60,
  data: 'a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 60',
};

const upstream = staticUpstream({
  records: [
    { name: 'api.example.com', type: 'A', data: '203.0.113.10' },
    { name: 'api.example.com', type: 'A', data: '203.0.113.11', ttl: 30 },
    { name: 'www.example.com', type: 'CNAME', data: 'cdn.example.net' },
    { name: 'cdn.example.net', type: 'A', data: '198.51.100.1', ttl: 20 },
    { name: 'old.example.com', type: 'CNAME', data: 'gone.example.com' },
    { name: 'txt.example.com', type: 'TXT', data: 'v=spf1 -all' },
    { name: 'a.deep.example.org', type: 'AAAA', data: '2001:DB8:0::1' },
    { name: 'loop1.example', type: 'CNAME', data: 'loop2.example' },
    { name: 'loop2.example', type: 'CNAME', data: 'loop1.example' },
  ],
  servfail: ['broken.example'],
  refused: ['private.example'],
});

describe('staticUpstream', () => {
  it('answers declared records of the asked type, in the question case', () => {
    expect(upstream({ name: 'API.example.com', type: 'A' })).toEqual({
      question: { name: 'API.example.com.', type: 'A' },
      rcode: 'NOERROR',
      answer: [
        { name: 'API.example.com.', type: 'A', ttl: 300, data: '203.0.113.10' },
        { name: 'API.example.com.', type: 'A', ttl: 30, data: '203.0.113.11' },
      ],
      authority: [],
      additional: [],
    });
    expect(upstream({ name: 'txt.example.com', type: 'TXT' }).answer[0]?.data).toBe('"v=spf1 -all"');
    expect(upstream({ name: 'a.deep.example.org', type: 'AAAA' }).answer[0]?.data).toBe('2001:db8::1');
  });

  it('follows CNAMEs; the rcode is the last name’s', () => {
    expect(upstream({ name: 'www.example.com', type: 'A' }).answer).toEqual([
      { name: 'www.example.com.', type: 'CNAME', ttl: 300, data: 'cdn.example.net.' },
      { name: 'cdn.example.net.', type: 'A', ttl: 20, data: '198.51.100.1' },
    ]);
    const dangling = upstream({ name: 'old.example.com', type: 'A' });
    expect(dangling.rcode).toBe('NXDOMAIN');
    expect(dangling.answer.map((record) => record.type)).toEqual(['CNAME']);
    expect(upstream({ name: 'www.example.com', type: 'CNAME' }).answer).toHaveLength(1);
    expect(upstream({ name: 'loop1.example', type: 'A' }).rcode).toBe('SERVFAIL');
  });

  it('gives NODATA for other types and for empty non-terminals, NXDOMAIN otherwise, with a root SOA', () => {
    expect(upstream({ name: 'api.example.com', type: 'AAAA' })).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
      authority: [ROOT_SOA],
    });
    expect(upstream({ name: 'deep.example.org', type: 'A' })).toMatchObject({ rcode: 'NOERROR', answer: [] });
    expect(upstream({ name: 'example.org', type: 'A' })).toMatchObject({ rcode: 'NOERROR', answer: [] });
    expect(upstream({ name: 'nope.example.com', type: 'A' })).toMatchObject({
      rcode: 'NXDOMAIN',
      authority: [ROOT_SOA],
    });
  });

  it('answers ANY with every record of the name', () => {
    expect(upstream({ name: 'api.example.com', type: 'ANY' }).answer).toHaveLength(2);
  });

  it('fails or refuses the names (and subdomains) it is told to', () => {
    expect(upstream({ name: 'x.broken.example', type: 'A' })).toMatchObject({
      rcode: 'SERVFAIL',
      authority: [],
    });
    expect(upstream({ name: 'private.example', type: 'A' }).rcode).toBe('REFUSED');
  });

  it('refuses bad address data when built', () => {
    expect(() => staticUpstream({ records: [{ name: 'x', type: 'A', data: '2001:db8::1' }] })).toThrow(
      DnsConfigError,
    );
    expect(() => staticUpstream({ records: [{ name: 'x', type: 'AAAA', data: 'nope' }] })).toThrow(
      'AAAA record x: not an IPv6 address: nope',
    );
  });
});
