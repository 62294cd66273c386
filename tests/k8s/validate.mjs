// Validates deploy/kubernetes offline: every manifest against the Kubernetes API schemas
// (kubernetes-models' compiled OpenAPI validators: types, required fields, enums, formats), plus
// unknown fields (a typo like "readinessProbes" is silently dropped by the API server, so it is an
// error here), plus loopcast's own rules: no secret in the ConfigMap, the StatefulSet, Services,
// PDB and Secret agree on names and labels, the Kustomization lists files that exist.
//
// Runs on Node 18 (Debian 12's nodejs, which scripts/install-deps.sh installs on a fresh machine) and
// later: kubernetes-models is pinned to 4.5.1, the last release whose packages all declare
// engines node >=14 (5.x declares >=22; it happens to run on 18 but `npm ci` warns EBADENGINE and
// fails under engine-strict). 4.x ships the compiled validators as _schemas/*.mjs without exporting
// them, so they are imported by file from the package's own directory.
//
// usage: node validate.mjs MANIFEST_DIR [BROKEN_DIR]
// Every file of BROKEN_DIR must FAIL (each is a deliberately broken manifest): proof that the
// validator catches what it claims to.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import YAML from "yaml";

const SCHEMAS = {
  "apps/v1/StatefulSet": "IoK8sApiAppsV1StatefulSet",
  "v1/Service": "IoK8sApiCoreV1Service",
  "v1/ConfigMap": "IoK8sApiCoreV1ConfigMap",
  "v1/Secret": "IoK8sApiCoreV1Secret",
  "policy/v1/PodDisruptionBudget": "IoK8sApiPolicyV1PodDisruptionBudget",
};
const KUSTOMIZATION_KEYS = new Set(["apiVersion", "kind", "resources", "labels", "commonLabels", "namespace", "namePrefix", "images", "replicas",
  "configMapGenerator", "secretGenerator", "patches", "generatorOptions", "components"]);

const SCHEMA_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve("kubernetes-models")), "_schemas");

async function validator(name) {
  return (await import(pathToFileURL(path.join(SCHEMA_DIR, `${name}.mjs`)).href)).validate;
}

// Runs the schema's validator on a proxy of `doc` that records which fields the validator looks at;
// an object whose keys it enumerates is a map (labels, data) and may hold any key. Every other key
// it never read is a field the schema does not have.
function unknownFields(doc, validate) {
  const read = new Map(), maps = new Set();
  const wrap = (value, at) => {
    if (value === null || typeof value !== "object") return value;
    return new Proxy(value, {
      get(t, k) {
        if (typeof k !== "string") return t[k];
        if (!read.has(at)) read.set(at, new Set());
        read.get(at).add(k);
        return wrap(t[k], `${at}/${k}`);
      },
      has(t, k) {
        if (typeof k === "string") {
          if (!read.has(at)) read.set(at, new Set());
          read.get(at).add(k);
        }
        return k in t;
      },
      ownKeys(t) {
        maps.add(at);
        return Reflect.ownKeys(t);
      },
    });
  };
  const ok = validate(wrap(doc, ""));
  const unknown = [];
  const walk = (value, at) => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}/${i}`));
    for (const [k, v] of Object.entries(value)) {
      if (!maps.has(at) && !(read.get(at) || new Set()).has(k)) unknown.push(`${at}/${k}`);
      walk(v, `${at}/${k}`);
    }
  };
  if (ok) walk(doc, "");
  return unknown;
}

function kustomizationErrors(doc, dir) {
  const errors = [];
  if (doc.apiVersion !== "kustomize.config.k8s.io/v1beta1") errors.push(`apiVersion '${doc.apiVersion}': expected kustomize.config.k8s.io/v1beta1`);
  for (const k of Object.keys(doc)) if (!KUSTOMIZATION_KEYS.has(k)) errors.push(`/${k}: not a Kustomization field`);
  for (const r of doc.resources || []) if (!fs.existsSync(path.join(dir, r))) errors.push(`resources: '${r}' does not exist`);
  return errors;
}

// Every value of every Secret, and anything shaped like a stream key, must stay out of ConfigMaps.
function secretLeaks(docs) {
  const errors = [];
  const secrets = [];
  for (const { doc } of docs.filter((d) => d.doc.kind === "Secret")) {
    for (const v of Object.values(doc.stringData || {})) secrets.push(String(v));
    for (const v of Object.values(doc.data || {})) secrets.push(Buffer.from(String(v), "base64").toString());
  }
  for (const { file, doc } of docs.filter((d) => d.doc.kind === "ConfigMap")) {
    for (const [key, text] of Object.entries(doc.data || {})) {
      if (key.endsWith(".json")) {
        try {
          JSON.parse(text);
        } catch (e) {
          errors.push(`${file}: ConfigMap data '${key}' is not JSON: ${e.message}`);
        }
      }
      for (const s of secrets) if (s.length >= 4 && text.includes(s)) errors.push(`${file}: ConfigMap data '${key}' holds a Secret's value`);
      // An ingest URL must end in {key} (filled from the Secret), never in the key itself.
      for (const m of text.matchAll(/rtmps?:\/\/[^"'\s]+/g))
        if (!m[0].endsWith("{key}")) errors.push(`${file}: ConfigMap data '${key}': output '${m[0].replace(/[^/]+$/, "****")}' carries its stream key: use {key} and the Secret`);
      if (/"(api_token|webhook_password|youtube_client_secret|youtube_refresh_token)"\s*:/.test(text))
        errors.push(`${file}: ConfigMap data '${key}' holds a token: put it in the Secret (LOOPCAST_API_TOKEN_<ID>, ...)`);
    }
  }
  return errors;
}

// The pieces must fit: the StatefulSet's headless Service, the selectors, the Secret and ConfigMap names.
function consistency(docs) {
  const errors = [];
  const of = (kind) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
  for (const sts of of("StatefulSet")) {
    const labels = sts.spec.template.metadata?.labels || {};
    const matches = (sel) => Object.entries(sel || {}).every(([k, v]) => labels[k] === v);
    if (!matches(sts.spec.selector.matchLabels)) errors.push("StatefulSet: selector does not match the pod template's labels");
    const headless = of("Service").find((s) => s.metadata.name === sts.spec.serviceName);
    if (!headless || headless.spec.clusterIP !== "None") errors.push(`StatefulSet: serviceName '${sts.spec.serviceName}' is not a headless Service here`);
    for (const s of of("Service")) if (!matches(s.spec.selector)) errors.push(`Service ${s.metadata.name}: selector matches no replica`);
    for (const p of of("PodDisruptionBudget")) if (!matches(p.spec.selector.matchLabels)) errors.push(`PodDisruptionBudget ${p.metadata.name}: selector matches no replica`);
    const pod = sts.spec.template.spec;
    const c = pod.containers[0];
    for (const ref of c.envFrom || []) {
      if (ref.secretRef && !of("Secret").some((s) => s.metadata.name === ref.secretRef.name)) errors.push(`StatefulSet: Secret '${ref.secretRef.name}' has no example here`);
    }
    for (const v of pod.volumes || []) if (v.configMap && !of("ConfigMap").some((m) => m.metadata.name === v.configMap.name)) errors.push(`StatefulSet: ConfigMap '${v.configMap.name}' is not here`);
    if (!pod.securityContext?.runAsNonRoot) errors.push("StatefulSet: the pod must set runAsNonRoot");
    if (!c.securityContext?.readOnlyRootFilesystem) errors.push("StatefulSet: the container must set readOnlyRootFilesystem");
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) if (!c[probe]) errors.push(`StatefulSet: no ${probe}`);
    const replicasEnv = (c.env || []).find((e) => e.name === "LOOPCAST_REPLICAS");
    if (replicasEnv && Number(replicasEnv.value) !== sts.spec.replicas) errors.push(`StatefulSet: LOOPCAST_REPLICAS ${replicasEnv.value} differs from spec.replicas ${sts.spec.replicas}`);
  }
  return errors;
}

async function checkDir(dir) {
  const errors = [];
  const docs = [];
  for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    let parsed;
    try {
      parsed = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"));
    } catch (e) {
      errors.push(`${file}: ${e.message}`);
      continue;
    }
    for (const d of parsed) {
      if (d.errors.length) {
        errors.push(`${file}: YAML: ${d.errors[0].message}`);
        continue;
      }
      const doc = d.toJS();
      if (doc === null) continue;
      if (doc.kind === "Kustomization") {
        errors.push(...kustomizationErrors(doc, dir).map((e) => `${file}: ${e}`));
        continue;
      }
      const schema = SCHEMAS[`${doc.apiVersion}/${doc.kind}`];
      if (!schema) {
        errors.push(`${file}: ${doc.apiVersion} ${doc.kind}: not a kind this validator knows`);
        continue;
      }
      const validate = await validator(schema);
      if (!validate(doc)) {
        for (const e of validate.errors) errors.push(`${file}: ${doc.kind} ${e.instancePath || "/"}: ${e.message || e.keyword} ${JSON.stringify(e.params)}`);
        continue;
      }
      for (const u of unknownFields(doc, validate)) errors.push(`${file}: ${doc.kind} ${u}: unknown field`);
      docs.push({ file, doc });
    }
  }
  if (!errors.length) errors.push(...secretLeaks(docs), ...consistency(docs));
  return { errors, count: docs.length };
}

const [dir, brokenDir] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node validate.mjs MANIFEST_DIR [BROKEN_DIR]");
  process.exit(2);
}
let failed = 0, passed = 0;
const good = await checkDir(dir);
if (good.errors.length || good.count === 0) {
  failed++;
  console.log(`FAIL ${dir}: ${good.count} manifests\n  ${good.errors.join("\n  ") || "no manifest found"}`);
} else {
  passed++;
  console.log(`ok   ${dir}: ${good.count} manifests valid`);
}
// Each broken case is a copy of the good directory with one file replaced: it must fail.
for (const file of brokenDir ? fs.readdirSync(brokenDir).filter((f) => /\.ya?ml$/.test(f)).sort() : []) {
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || "/tmp"), "k8s-broken-"));
  for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(tmp, f));
  const target = fs.readFileSync(path.join(brokenDir, file), "utf8").match(/^# replaces: (\S+)/m);
  fs.writeFileSync(path.join(tmp, target ? target[1] : file), fs.readFileSync(path.join(brokenDir, file)));
  const r = await checkDir(tmp);
  fs.rmSync(tmp, { recursive: true });
  if (r.errors.length) {
    passed++;
    console.log(`ok   broken ${file} is refused: ${r.errors[0]}`);
  } else {
    failed++;
    console.log(`FAIL broken ${file} passed validation`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
