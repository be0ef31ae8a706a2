#!/usr/bin/env node
// The dependency rule, checked in CI: src/domain imports only src/domain (and the holiday table);
// src/application and src/projections never import src/infrastructure or a driver.
const { readFileSync, readdirSync, statSync } = require('node:fs');
const { join, relative, resolve, dirname } = require('node:path');

const root = resolve(__dirname, '..');
const drivers = [
  'better-sqlite3',
  '@eventstore/db-client',
  '@kurrent/kurrentdb-client',
  'mongodb',
  'bullmq',
  'ioredis',
  'nodemailer',
  'fastify',
  '@nestjs/platform-fastify',
];
const rules = [
  { layer: 'src/domain', allowPackages: ['@holiday-jp/holiday_jp'], allowDirs: ['src/domain'] },
  { layer: 'src/application', forbidDirs: ['src/infrastructure'], forbidPackages: drivers },
  { layer: 'src/projections', forbidDirs: ['src/infrastructure'], forbidPackages: drivers },
];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const problems = [];
for (const rule of rules) {
  for (const file of files(join(root, rule.layer))) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(['"]([^'"]+)['"]\)|require\(['"]([^'"]+)['"]\)/g)) {
      const spec = match[1] ?? match[2] ?? match[3];
      const where = `${relative(root, file)} imports '${spec}'`;
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(file), spec));
        if (rule.allowDirs && !rule.allowDirs.some((d) => target.startsWith(d)))
          problems.push(`${where}: ${rule.layer} may import only ${rule.allowDirs.join(', ')}`);
        if (rule.forbidDirs && rule.forbidDirs.some((d) => target.startsWith(d)))
          problems.push(`${where}: ${rule.layer} must not import ${rule.forbidDirs.join(', ')}`);
      } else {
        if (rule.allowPackages && !rule.allowPackages.includes(spec)) problems.push(`${where}: the domain is pure (no frameworks, no I/O)`);
        if (rule.forbidPackages && rule.forbidPackages.some((p) => spec === p || spec.startsWith(`${p}/`)))
          problems.push(`${where}: drivers belong in src/infrastructure`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`Layer rule broken:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layers: domain pure; application and projections free of infrastructure and drivers');
