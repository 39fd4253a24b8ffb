import { csvCell, csvHeader, csvRow } from './audit-export';
import { AuditActorType, AuditOutcome } from './audit-action';

describe('audit CSV export', () => {
  it('quotes per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell(null)).toBe('');
  });

  it('writes one record per event with the header columns', () => {
    const row = csvRow({
      seq: 7,
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: { type: AuditActorType.User, id: 'u', name: 'alice', ip: '::1' },
      action: 'auth.login',
      target: { type: 'user', id: 'u' },
      outcome: AuditOutcome.Success,
      requestId: 'r',
      details: { a: 1 },
      prevHash: 'p',
      hash: 'h',
    });
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row.split(',').length).toBe(csvHeader().split(',').length);
    expect(row).toContain('"{""a"":1}"');
  });
});
