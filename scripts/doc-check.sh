#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# doc-check.sh: the administrator's guide (Documentation/admin-guide/*.rst)
# against the code.
#
#  1. Every configfs attribute zcit creates and every module parameter it
#     has must be mentioned in the guide, as an inline literal (``name``,
#     or a word of one, e.g. ``attrib/name``). The names come from the C
#     sources in drivers/: CONFIGFS_ATTR, CONFIGFS_ATTR_RO/_WO (and _BIN_),
#     through any macro that wraps them (ZCIT_TPG_ATTRIB, ZCIT_STAT_CONST,
#     ...), ".ca_name" literals, the RFC 7143 key names of the param/
#     files (macros building a struct zcit_key_attr: the key's name in
#     param.c's table), and module_param*().
#  2. Every file builds with docutils without a warning, and every
#     relative link (`text <file>`_) names a file that exists.
#
# Prints one line per missing name or problem and exits 1; exits 0 with a
# summary when all is well; --list prints the names found and where.
# Needs python3 with docutils (python3-docutils, in scripts/deps.sh).
set -eu
cd "$(dirname "$0")/.."
PY=${ZCIT_PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
exec "$PY" - "$@" <<'EOF'
import glob
import io
import os
import re
import sys

GUIDE = 'Documentation/admin-guide'
SOURCES = sorted(glob.glob('drivers/*.c'))
errors = []


def strip_comments(text):
    # Keep line count: replace comments by as many newlines as they held.
    def repl(m):
        return '\n' * m.group(0).count('\n')
    text = re.sub(r'/\*.*?\*/', repl, text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def args_at(text, pos):
    """Split the balanced (...) starting at text[pos] into stripped args."""
    assert text[pos] == '('
    depth, cur, out = 0, [], []
    for i in range(pos, len(text)):
        c = text[i]
        if c == '(':
            depth += 1
            if depth == 1:
                continue
        elif c == ')':
            depth -= 1
            if depth == 0:
                out.append(''.join(cur).strip())
                return out, i + 1
        elif c == ',' and depth == 1:
            out.append(''.join(cur).strip())
            cur = []
            continue
        cur.append(c)
    return None, len(text)


def calls(text, names):
    """(name, args, line offset) of each call of one of names in text."""
    if not names:
        return
    pat = re.compile(r'\b(' + '|'.join(map(re.escape, names)) + r')\s*\(')
    for m in pat.finditer(text):
        a, _ = args_at(text, m.end() - 1)
        if a is not None:
            yield m.group(1), a, m.start()


ATTR_RE = r'CONFIGFS_(?:BIN_)?ATTR(?:_RO|_WO)?'
ATTR_NAMES = ['CONFIGFS_ATTR', 'CONFIGFS_ATTR_RO', 'CONFIGFS_ATTR_WO',
              'CONFIGFS_BIN_ATTR', 'CONFIGFS_BIN_ATTR_RO',
              'CONFIGFS_BIN_ATTR_WO']

# param.c's key table: ZCIT_KEY_X -> "KeyName"
keys = {}
for f in SOURCES:
    for m in re.finditer(r'\[(ZCIT_KEY_\w+)\]\s*=\s*\{\s*"([^"]+)"',
                         open(f).read()):
        keys[m.group(1)] = m.group(2)

# Macros of every source, with their bodies; the rest of the text apart.
macros = {}
bodies = {}
for f in SOURCES:
    text = strip_comments(open(f).read())
    text = re.sub(r'\\\n', ' \x00', text)   # continuation: keep a marker
    rest = []
    for line in text.split('\n'):
        m = re.match(r'\s*#\s*define\s+(\w+)\(([^)]*)\)(.*)', line)
        if m:
            params = [p.strip() for p in m.group(2).split(',') if p.strip()]
            macros[m.group(1)] = (params, m.group(3).replace('\x00', ''))
            rest.append('\n' * line.count('\x00'))
        else:
            rest.append(line.replace('\x00', '\n'))
    bodies[f] = '\n'.join(rest)

# What each macro creates: ('arg', i) the name is its i-th argument,
# ('key', i) the name of the key that is its i-th argument, ('lit', s).
specs = {}


def spec_of(name, seen=()):
    if name in specs:
        return specs[name]
    if name in seen:
        return []
    params, body = macros[name]
    out = []

    def ref(a):
        return ('arg', params.index(a)) if a in params else ('lit', a)
    for _, a, _ in calls(body, ATTR_NAMES):
        if len(a) >= 2:
            out.append(ref(a[1]))
    for m in re.finditer(r'\.ca_name\s*=\s*"([^"]+)"', body):
        out.append(('lit', m.group(1)))
    if 'struct zcit_key_attr' in body:
        m = re.search(r'\.key\s*=\s*(\w+)', body)
        if m and m.group(1) in params:
            out.append(('key', params.index(m.group(1))))
    others = [n for n in macros if n != name]
    for callee, a, _ in calls(body, others):
        for kind, v in spec_of(callee, seen + (name,)):
            if kind == 'lit':
                out.append((kind, v))
            elif v < len(a):
                r = ref(a[v])
                out.append(r if r[0] == 'lit' or kind == 'arg'
                           else ('key', r[1]))
    specs[name] = out
    return out


attr_macros = [n for n in macros if spec_of(n)]

attrs = {}      # name -> first "file:line"
params = {}


def add(d, name, f, text, pos):
    d.setdefault(name, '%s:%d' % (f, text.count('\n', 0, pos) + 1))


for f, text in bodies.items():
    for _, a, pos in calls(text, ATTR_NAMES):
        if len(a) >= 2:
            add(attrs, a[1], f, text, pos)
    for m in re.finditer(r'\.ca_name\s*=\s*"([^"]+)"', text):
        add(attrs, m.group(1), f, text, m.start())
    for name, a, pos in calls(text, attr_macros):
        for kind, v in specs[name]:
            if kind == 'lit':
                add(attrs, v, f, text, pos)
            elif v >= len(a):
                continue
            elif kind == 'arg':
                add(attrs, a[v], f, text, pos)
            elif a[v] in keys:
                add(attrs, keys[a[v]], f, text, pos)
            else:
                errors.append('%s:%d: key %s not in param.c\'s table' %
                              (f, text.count('\n', 0, pos) + 1, a[v]))
    for m in re.finditer(r'\bmodule_param(?:_named|_cb|_array|_string|'
                         r'_unsafe|_hw)?\s*\(\s*(\w+)', text):
        add(params, m.group(1), f, text, m.start())

if '--list' in sys.argv[1:]:
    for name, where in sorted(attrs.items()):
        print('attribute %s %s' % (name, where))
    for name, where in sorted(params.items()):
        print('parameter %s %s' % (name, where))
    sys.exit(0)

# ---- the guide ----
files = sorted(glob.glob(GUIDE + '/*.rst'))
if not files:
    errors.append('no %s/*.rst' % GUIDE)
words = set()
for g in files:
    text = open(g).read()
    for lit in re.findall(r'``(.+?)``', text, flags=re.S):
        words.update(re.findall(r'[A-Za-z0-9_]+', lit))
    for m in re.finditer(r'`[^`<]*<([^>`]+)>`_', text):
        target = m.group(1)
        if re.match(r'[a-z]+:', target) or target.startswith('#'):
            continue
        if not os.path.exists(os.path.join(os.path.dirname(g), target)):
            errors.append('%s: link to %s: no such file' % (g, target))

if len(attrs) < 20 or len(params) < 1:
    errors.append('found only %d attributes and %d module parameters in '
                  'drivers/*.c: is the extraction broken?' %
                  (len(attrs), len(params)))
for name, where in sorted(attrs.items()):
    if name not in words:
        errors.append('configfs attribute "%s" (%s) is not mentioned in %s/' %
                      (name, where, GUIDE))
for name, where in sorted(params.items()):
    if name not in words:
        errors.append('module parameter "%s" (%s) is not mentioned in %s/' %
                      (name, where, GUIDE))

# ---- docutils: no warning in any file ----
try:
    import docutils.core
except ImportError:
    errors.append('python3 has no docutils (apt install python3-docutils)')
else:
    for g in files:
        warn = io.StringIO()
        docutils.core.publish_doctree(
            open(g).read(), source_path=g,
            settings_overrides={'report_level': 2, 'halt_level': 5,
                                'warning_stream': warn,
                                'file_insertion_enabled': True})
        # One line per message (the quoted source lines left out).
        msgs = [line for line in warn.getvalue().splitlines()
                if re.search(r'\((DEBUG|INFO|WARNING|ERROR|SEVERE)/\d\)',
                             line)]
        if warn.getvalue().strip() and not msgs:
            msgs = [warn.getvalue().strip()]
        errors.extend('docutils: ' + m for m in msgs)

for e in errors:
    print('doc-check: ' + e)
if errors:
    print('doc-check: FAILED (%d problems)' % len(errors))
    sys.exit(1)
print('doc-check: %d configfs attribute names and %d module parameters '
      'of drivers/*.c are all in %s/ (%d files, built cleanly)' %
      (len(attrs), len(params), GUIDE, len(files)))
EOF
