// deploy/k8s: each overlay renders with `kubectl kustomize`, every object it yields is valid
// against the Kubernetes JSON schemas (kubernetes-models; the Prometheus Operator's for
// ServiceMonitor and PrometheusRule), and the settings operators rely on are there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';

import { outputPath, prometheusRuleText, repoDir, rulesPath } from './generate-prometheusrule.mjs';

const overlays = {
  dev: { replicas: 1, storage: '10Gi', logLevel: 'debug', memoryLimit: '2Gi' },
  staging: { replicas: 4, storage: '100Gi', logLevel: 'info', memoryLimit: '4Gi' },
  production: { replicas: 4, storage: '500Gi', logLevel: 'info', memoryLimit: '16Gi' },
};

function render(overlay) {
  let text;
  try {
    text = execFileSync('kubectl', ['kustomize', path.join(repoDir, 'deploy/k8s/overlays', overlay)],
      { encoding: 'utf8' });
  } catch (error) {
    throw new Error(`kubectl kustomize failed for ${overlay} (is kubectl installed?): ${error.message}`);
  }
  return YAML.parseAllDocuments(text).map((doc) => doc.toJS());
}

// The model class of an object: kubernetes-models for the built-in API groups, the
// Prometheus Operator's models for monitoring.coreos.com.
async function modelFor(object) {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const module = group === 'monitoring.coreos.com'
    ? `@kubernetes-models/prometheus-operator/${group}/${version}`
    : `kubernetes-models/${group ? `${group}/` : ''}${version}`;
  const models = await import(module);
  const Model = models[object.kind];
  assert.ok(Model, `no schema for ${object.apiVersion} ${object.kind}`);
  return Model;
}

async function validate(object) {
  const Model = await modelFor(object);
  new Model(object).validate();  // throws with the schema errors
}

test('the validator refuses an invalid object (it is not a no-op)', async () => {
  const bad = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'x' },
    spec: { replicas: 'three', serviceName: 'x', selector: {}, template: {} },
  };
  await assert.rejects(validate(bad));
  await assert.rejects(validate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' },
    spec: { ports: [{ port: 'http' }] } }));
});

test('PrometheusRule is generated from deploy/prometheus/alerts.yml', () => {
  assert.equal(readFileSync(outputPath, 'utf8'), prometheusRuleText(),
    'deploy/k8s/base/prometheusrule.yaml is stale: run node tests/k8s/generate-prometheusrule.mjs');
  assert.ok(readFileSync(rulesPath, 'utf8').includes('QtmNodeDown'));
});

for (const [overlay, want] of Object.entries(overlays)) {
  test(`overlay ${overlay} renders, validates and carries its settings`, async () => {
    const objects = render(overlay);
    for (const object of objects) {
      await validate(object).catch((error) => {
        throw new Error(`${overlay}: ${object.kind} ${object.metadata?.name}: ${error.message}`);
      });
    }
    const kinds = objects.map((o) => o.kind).sort();
    assert.deepEqual(kinds, ['ConfigMap', 'Namespace', 'NetworkPolicy', 'NetworkPolicy',
      'PodDisruptionBudget', 'PrometheusRule', 'Service', 'Service', 'Service', 'ServiceMonitor',
      'StatefulSet']);
    for (const object of objects) {
      if (object.kind !== 'Namespace') assert.equal(object.metadata.namespace, `qtm-${overlay}`);
    }

    const set = objects.find((o) => o.kind === 'StatefulSet');
    assert.equal(set.spec.replicas, want.replicas);
    assert.equal(set.spec.volumeClaimTemplates[0].spec.resources.requests.storage, want.storage);
    const pod = set.spec.template.spec;
    const [container] = pod.containers;
    assert.equal(container.env.find((e) => e.name === 'QTM_LOG_LEVEL').value, want.logLevel);
    assert.ok(container.args.includes('--log-level=$(QTM_LOG_LEVEL)'));
    assert.equal(container.resources.limits.memory, want.memoryLimit);
    assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
    assert.equal(container.livenessProbe.httpGet.path, '/health');
    assert.equal(container.readinessProbe.httpGet.path, '/ready');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.ok(pod.volumes.some((v) => v.secret?.secretName === 'qtm-validator-keys'));
    const config = objects.find((o) => o.kind === 'ConfigMap');
    assert.ok(pod.volumes.some((v) => v.configMap?.name === config.metadata.name),
      'the pod mounts the generated node.toml ConfigMap');
    assert.ok(config.data['node.toml'].includes('[metrics]'));

    // Selectors of the Services and the PDB find the StatefulSet's pods.
    const podLabels = set.spec.template.metadata.labels;
    const selects = (selector) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      assert.ok(selects(service.spec.selector), `${service.metadata.name} selects the pods`);
    }
    const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget');
    assert.ok(selects(pdb.spec.selector.matchLabels));
    const denyAll = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny');
    assert.deepEqual(denyAll.spec.podSelector, {});
    assert.deepEqual(denyAll.spec.policyTypes, ['Ingress', 'Egress']);
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
    assert.equal(monitor.spec.endpoints[0].port, 'metrics');
  });
}
