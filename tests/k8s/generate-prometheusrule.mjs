// Writes deploy/k8s/base/prometheusrule.yaml from deploy/prometheus/alerts.yml, so the alert
// rules live in one place: `node tests/k8s/generate-prometheusrule.mjs` after editing them.
// manifests.test.mjs fails when the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const rulesPath = path.join(repoDir, 'deploy/prometheus/alerts.yml');
export const outputPath = path.join(repoDir, 'deploy/k8s/base/prometheusrule.yaml');

export function prometheusRuleText() {
  const rules = YAML.parse(readFileSync(rulesPath, 'utf8'));
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'qtmd' },
    spec: { groups: rules.groups },
  };
  return '# GENERATED from deploy/prometheus/alerts.yml by tests/k8s/generate-prometheusrule.mjs;\n'
    + '# edit the rules there and run it again.\n'
    + YAML.stringify(resource, { lineWidth: 0 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(outputPath, prometheusRuleText());
  console.log(`wrote ${path.relative(repoDir, outputPath)}`);
}
