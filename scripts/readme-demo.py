#!/usr/bin/env python3
"""Paste the real output of `npm run demo` into README.md: the first execution, the
recovering internal failure and the summary table (the block that starts with
"━━ CRL bucket policy lacks" and ends at its closing fence)."""
import re, subprocess, sys
out = subprocess.run(['npx', 'tsx', 'src/cli/demo.ts'], capture_output=True, text=True, env={**__import__('os').environ, 'NO_COLOR': '1'}).stdout
sections = re.split(r'(?m)^(?=━━ )', out)
first = next(s for s in sections if '[crl-missing-grant]' in s)
recovers = next(s for s in sections if '[crl-internal-recovers]' in s)
summary = next(s for s in sections if s.startswith('━━ Summary'))
block = first.rstrip() + '\n⋯\n' + recovers.rstrip() + '\n⋯\n' + summary.rstrip() + '\n'
readme = open('README.md').read()
start = readme.index('```text\n━━ CRL bucket policy lacks')
end = readme.index('```', start + 7)
open('README.md', 'w').write(readme[:start] + '```text\n' + block + readme[end:])
print('pasted', len(block.splitlines()), 'lines')
