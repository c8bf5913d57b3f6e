export const id = 338;
export const ids = [338];
export const modules = {

/***/ 7338:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPromotionCli: () => (/* binding */ runPromotionCli)
});

// UNUSED EXPORTS: promotionUsage

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./src/config/schema.ts
var schema = __webpack_require__(131);
// EXTERNAL MODULE: ./src/util/escape.ts
var util_escape = __webpack_require__(5421);
// EXTERNAL MODULE: ./node_modules/p-limit/index.js + 1 modules
var p_limit = __webpack_require__(370);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js
var schemas = __webpack_require__(5156);
// EXTERNAL MODULE: ./src/io/http.ts + 2 modules
var io_http = __webpack_require__(5097);
// EXTERNAL MODULE: ./src/reports/model.ts
var model = __webpack_require__(2510);
;// CONCATENATED MODULE: ./src/promotion/result-read.ts
/**
 * Reads a gate result file (`GateResult`, schemaVersion 1) from an old artifact, defensively: the
 * file may come from an older or broken gate. Only the fields promotion needs are kept (compact),
 * unknown fields are ignored (the schema grows by adding fields), and anything malformed comes back
 * as one precise message (`$.tools[2].counts.block: expected a number`) so that run counts as
 * "no data", never as a pass. Pure: text in, data or reason out.
 */


const count = schemas.number().int().nonnegative();
const severityCounts = schemas.object({ critical: count, high: count, medium: count, low: count, info: count, unknown: count });
const dispositionCounts = schemas.object({ block: count, warn: count, info: count, waived: count, wouldBlock: count });
const waiver = schemas.object({
    id: schemas.string(),
    owner: schemas.string().optional(),
    expires: schemas.string().optional(),
    reasonCategory: schemas.string().optional(),
});
const finding = schemas.object({
    fingerprint: schemas.string().min(1),
    disposition: schemas["enum"](['block', 'warn', 'info', 'waived']),
    effectiveSeverity: schemas["enum"](model/* SEVERITIES */.oC).optional(),
    inChange: schemas.boolean().optional(),
    waiver: waiver.optional(),
});
const tool = schemas.object({
    tool: schemas.string(),
    status: schemas["enum"](['ok', 'missing', 'error']),
    messages: schemas.array(schemas.string()).default([]),
    severity: severityCounts,
    counts: dispositionCounts,
    findings: schemas.array(finding),
});
const gateResult = schemas.object({
    schemaVersion: schemas.literal(1, { error: (i) => `expected 1, got ${JSON.stringify(i.input)} (a result version this reader does not understand)` }),
    generatedAt: schemas.string(),
    tools: schemas.array(schemas.unknown()),
    change: schemas.object({ known: schemas.boolean() }).optional(),
});
/** `$.tools[2].counts.block` from a zod path. */
function jsonPath(path, prefix = '$') {
    let out = prefix;
    for (const p of path)
        out += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`;
    return out;
}
function firstIssue(err, prefix) {
    const i = err.issues[0];
    if (!i)
        return `${prefix}: invalid`;
    const msg = i.code === 'invalid_type' ? `expected ${i.expected}${i.message.includes('received') ? `, ${i.message.slice(i.message.indexOf('received'))}` : ''}` : i.message;
    const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problem${err.issues.length > 2 ? 's' : ''})` : '';
    return `${jsonPath(i.path, prefix)}: ${msg}${more}`;
}
/** Parses and validates a result file. `file` names it in messages. */
function readGateResult(text, file) {
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (e) {
        return { ok: false, reason: `${file} is not valid JSON (${e.message.split('\n')[0]})` };
    }
    const top = gateResult.safeParse(raw);
    if (!top.success)
        return { ok: false, reason: `${file}: ${firstIssue(top.error, '$')}` };
    const tools = [];
    const unknownTools = [];
    const seen = new Set();
    for (const [i, t] of top.data.tools.entries()) {
        const r = tool.safeParse(t);
        if (!r.success)
            return { ok: false, reason: `${file}: ${firstIssue(r.error, `$.tools[${i}]`)}` };
        const id = r.data.tool;
        if (!model/* TOOL_IDS */.ou.includes(id)) {
            unknownTools.push(id);
            continue;
        }
        if (seen.has(id))
            return { ok: false, reason: `${file}: $.tools[${i}].tool: ${JSON.stringify(id)} appears twice` };
        seen.add(id);
        tools.push({ ...r.data, tool: id, changeKnown: top.data.change?.known === true });
    }
    return { ok: true, data: { generatedAt: top.data.generatedAt, tools, unknownTools } };
}

// EXTERNAL MODULE: ./node_modules/fflate/esm/index.mjs
var esm = __webpack_require__(1306);
;// CONCATENATED MODULE: ./src/promotion/zip.ts
/**
 * Reads ONE file out of an artifact zip, with fflate (pure JavaScript, no dependencies, no native
 * code). Zip-bomb guard: only the wanted entry is ever inflated, its declared size must be within
 * `maxBytes`, and it is inflated into a buffer of exactly that declared size, so a lying header
 * cannot make it allocate more (the output is then cut short and fails to parse: no data).
 */

/**
 * The entry whose base name is `fileName` (the shallowest one if several; upload-artifact keeps
 * paths below the common root). Pure.
 */
function readZipEntry(zip, fileName, maxBytes) {
    const candidates = [];
    const baseOf = (n) => n.replace(/\\/g, '/').split('/').pop() ?? n;
    try {
        // First pass: list names and declared sizes only (the filter refuses every entry).
        (0,esm/* unzipSync */.AO)(zip, {
            filter: (f) => {
                if (baseOf(f.name) === fileName && !f.name.endsWith('/'))
                    candidates.push({ name: f.name, size: f.originalSize });
                return false;
            },
        });
    }
    catch (e) {
        return { ok: false, reason: `the artifact is not a readable zip (${e.message})` };
    }
    if (candidates.length === 0)
        return { ok: false, reason: `the artifact has no ${fileName}` };
    const depth = (n) => n.replace(/\\/g, '/').split('/').length;
    candidates.sort((a, b) => depth(a.name) - depth(b.name) || a.name.localeCompare(b.name));
    const want = candidates[0];
    // Two entries the reader cannot tell apart (the same name twice, or two at the shallowest depth,
    // `a/x` and `b\x`): which one is the gate's result is unknown, so the run has no data. Reading
    // the "last one wins" would let a crafted artifact pick the clean one (and inflate a bomb).
    const ties = candidates.filter((c) => depth(c.name) === depth(want.name));
    if (ties.length > 1)
        return { ok: false, reason: `the artifact has ${ties.length} entries that could be the ${fileName} (${ties.slice(0, 3).map((c) => JSON.stringify(c.name.slice(0, 100))).join(', ')}): ambiguous` };
    if (want.size > maxBytes)
        return { ok: false, reason: `${want.name} declares ${want.size} bytes uncompressed, over the ${maxBytes}-byte limit` };
    try {
        const files = (0,esm/* unzipSync */.AO)(zip, { filter: (f) => f.name === want.name && f.originalSize <= maxBytes });
        const out = files[want.name];
        if (!out)
            return { ok: false, reason: `${want.name} could not be unpacked` };
        return { ok: true, text: Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf8'), path: want.name };
    }
    catch (e) {
        return { ok: false, reason: `${want.name} could not be unpacked (${e.message})` };
    }
}

;// CONCATENATED MODULE: ./src/promotion/history.ts
/**
 * Reads a workflow's run history from the GitHub REST API: completed runs on a branch, newest
 * first, paging only as far as needed, and for each run the gate's artifact and its result file,
 * fetched with bounded concurrency through the one HTTP client (`src/io/http.ts`: retries,
 * backoff, rate limits, deadline).
 *
 * Requests: one list request per 100 runs; per run one artifact lookup and at most one download.
 * A run whose artifact expired, never existed or holds no readable result is "no data" (with the
 * reason), never a pass. A failure of the API itself (bad token, no permission, unreachable after
 * retries, rate limit beyond the wait we accept) is a `PromotionRuntimeError`: it is never read
 * as "nothing found".
 */





class PromotionRuntimeError extends Error {
    constructor(message) {
        super(message);
        this.name = 'PromotionRuntimeError';
    }
}
const PER_PAGE = 100;
const runSchema = schemas.object({
    id: schemas.number().int().positive(),
    run_attempt: schemas.number().int().positive().optional(),
    run_number: schemas.number().int().nonnegative(),
    status: schemas.string().nullable().optional(),
    conclusion: schemas.string().nullable().optional(),
    head_sha: schemas.string().optional(),
    head_branch: schemas.string().nullable().optional(),
    head_repository: schemas.object({ full_name: schemas.string() }).nullable().optional(),
    created_at: schemas.string(),
    html_url: schemas.string().optional(),
    event: schemas.string().optional(),
});
const runsPage = schemas.object({ total_count: schemas.number().int().nonnegative(), workflow_runs: schemas.array(runSchema) });
const artifactSchema = schemas.object({
    id: schemas.number().int().positive(),
    name: schemas.string(),
    expired: schemas.boolean(),
    size_in_bytes: schemas.number().nonnegative().optional(),
    created_at: schemas.string().nullable().optional(),
    expires_at: schemas.string().nullable().optional(),
});
const artifactsPage = schemas.object({ total_count: schemas.number().int().nonnegative().optional(), artifacts: schemas.array(artifactSchema) });
/** Plain words for an API failure that stops the whole run. */
function runtimeError(what, e) {
    if (!(e instanceof io_http/* HttpError */.j$))
        return new PromotionRuntimeError(`${what}: ${e.message}`);
    const hint = {
        unauthorized: 'the token was refused (bad or expired github-token)',
        forbidden: 'the token may not read Actions data (it needs actions: read)',
        'rate-limited': 'the API rate limit is used up beyond the wait we accept',
        server: 'the API kept failing after retries',
        timeout: 'the API did not answer in time after retries',
        network: 'the API is unreachable after retries',
        budget: 'the time budget is used up',
        malformed: 'the API answered something that is not the expected JSON',
    };
    return new PromotionRuntimeError(`${what}: ${e.message}${hint[e.kind] ? ` — ${hint[e.kind]}` : ''}`);
}
function zodWhere(err) {
    const i = err.issues[0];
    return i ? `$${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}` : 'invalid';
}
/** Newest-first pager over completed runs; de-duplicates run ids (re-runs, page shifts). */
class RunPager {
    o;
    buffer = [];
    page = 0;
    done = false;
    seen = new Set();
    skipped = { inProgress: 0, duplicates: 0, otherBranch: 0, pullRequest: 0 };
    requests = 0;
    constructor(o) {
        this.o = o;
    }
    async take(n) {
        while (this.buffer.length < n && !this.done)
            await this.fetchPage();
        return this.buffer.splice(0, n);
    }
    async fetchPage() {
        this.page++;
        const path = `/repos/${this.o.repository}/actions/workflows/${encodeURIComponent(this.o.workflow)}/runs`;
        let data;
        try {
            this.requests++;
            data = (await this.o.http.getJson(path, { branch: this.o.branch, status: 'completed', exclude_pull_requests: 'true', per_page: PER_PAGE, page: this.page })).data;
        }
        catch (e) {
            if (e instanceof io_http/* HttpError */.j$ && e.kind === 'not-found') {
                throw new PromotionRuntimeError(`listing runs of workflow ${this.o.workflow} in ${this.o.repository}: HTTP 404 — no such repository or workflow, or the token cannot see it`);
            }
            throw runtimeError(`listing runs of workflow ${this.o.workflow} in ${this.o.repository} (page ${this.page})`, e);
        }
        const r = runsPage.safeParse(data);
        if (!r.success)
            throw new PromotionRuntimeError(`listing runs of workflow ${this.o.workflow} (page ${this.page}): unexpected answer at ${zodWhere(r.error)}`);
        for (const w of r.data.workflow_runs) {
            if (w.status && w.status !== 'completed') {
                this.skipped.inProgress++;
                continue;
            }
            if (w.head_branch && w.head_branch !== this.o.branch) {
                this.skipped.otherBranch++;
                continue;
            }
            const headRepo = w.head_repository?.full_name;
            if (w.event?.startsWith('pull_request') || (headRepo && headRepo.toLowerCase() !== this.o.repository.toLowerCase())) {
                this.skipped.pullRequest++;
                continue;
            }
            if (this.seen.has(w.id)) {
                this.skipped.duplicates++;
                continue;
            }
            this.seen.add(w.id);
            this.buffer.push({
                id: w.id,
                attempt: w.run_attempt ?? 1,
                number: w.run_number,
                createdAt: w.created_at,
                url: w.html_url,
                conclusion: w.conclusion ?? null,
                event: w.event,
                headSha: w.head_sha,
            });
        }
        // The last page, or (guard against an API that never ends) far more pages than max-runs can use.
        const pageCap = Math.ceil(this.o.maxRuns / PER_PAGE) + 10;
        if (r.data.workflow_runs.length < PER_PAGE || this.page * PER_PAGE >= r.data.total_count || this.page >= pageCap)
            this.done = true;
    }
}
/** The gate artifact and result of one run: data, or no data with the reason. */
async function fetchRunData(o, run, stats) {
    const base = `/repos/${o.repository}/actions`;
    let artifacts;
    try {
        stats.artifactLookups++;
        const res = await o.http.getJson(`${base}/runs/${run.id}/artifacts`, { name: o.artifactName, per_page: PER_PAGE });
        const r = artifactsPage.safeParse(res.data);
        if (!r.success)
            return { kind: 'no-data', reason: `the artifact list is not the expected shape (${zodWhere(r.error)})` };
        artifacts = r.data.artifacts.filter((a) => a.name === o.artifactName);
    }
    catch (e) {
        if (e instanceof io_http/* HttpError */.j$ && (e.kind === 'not-found' || e.status === 410))
            return { kind: 'no-data', reason: `the run's artifacts are gone (HTTP ${e.status})` };
        throw runtimeError(`looking up the artifact of run ${run.id}`, e);
    }
    if (artifacts.length === 0)
        return { kind: 'no-data', reason: `no artifact named "${o.artifactName}" (never uploaded, or deleted)` };
    // The latest upload wins (a re-run attempt may upload again).
    const live = artifacts.filter((a) => !a.expired).sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? '') || b.id - a.id);
    const art = live[0];
    if (!art) {
        const exp = artifacts[0]?.expires_at;
        return { kind: 'no-data', reason: `artifact "${o.artifactName}" expired${exp ? ` on ${exp.slice(0, 10)}` : ''}` };
    }
    const maxZip = o.maxZipBytes ?? 256 * 1024 * 1024;
    if (art.size_in_bytes !== undefined && art.size_in_bytes > maxZip) {
        return { kind: 'no-data', reason: `artifact "${o.artifactName}" is ${art.size_in_bytes} bytes, over the ${maxZip}-byte download limit` };
    }
    let zip;
    try {
        stats.downloads++;
        // Built from the id, not from archive_download_url: the token is only ever sent to the API.
        zip = (await o.http.getBytes(`${base}/artifacts/${art.id}/zip`)).data;
    }
    catch (e) {
        if (e instanceof io_http/* HttpError */.j$ && (e.kind === 'not-found' || e.status === 410))
            return { kind: 'no-data', reason: `artifact "${o.artifactName}" could not be downloaded (HTTP ${e.status}: expired or deleted)` };
        if (e instanceof io_http/* HttpError */.j$ && e.kind === 'malformed')
            return { kind: 'no-data', reason: `artifact "${o.artifactName}" could not be downloaded (${e.message})` };
        // The same token just listed the runs and their artifacts: a 403 here comes from the storage
        // host the download redirects to (an expired signed link), not from a missing permission. That
        // run has no data (never a pass); the others are still read.
        if (e instanceof io_http/* HttpError */.j$ && e.kind === 'forbidden')
            return { kind: 'no-data', reason: `artifact "${o.artifactName}" could not be downloaded (HTTP 403 from the download; an expired download link?)` };
        throw runtimeError(`downloading the artifact of run ${run.id}`, e);
    }
    const entry = readZipEntry(zip, o.resultFile, o.maxResultBytes ?? 256 * 1024 * 1024);
    if (!entry.ok)
        return { kind: 'no-data', reason: entry.reason };
    const result = readGateResult(entry.text, entry.path);
    if (!result.ok)
        return { kind: 'no-data', reason: `malformed result: ${result.reason}` };
    return { kind: 'ok', artifactId: art.id, result: result.data };
}
/** How many more runs at least are needed before every target tool has `window` executed runs. */
function stillNeeded(records, o) {
    const target = Math.max(o.window, o.stableRuns);
    const executed = new Map();
    const seen = new Set(o.tools ?? []);
    for (const r of records) {
        if (r.data.kind !== 'ok')
            continue;
        for (const t of r.data.result.tools) {
            if (!o.tools)
                seen.add(t.tool);
            if (t.status === 'ok')
                executed.set(t.tool, (executed.get(t.tool) ?? 0) + 1);
        }
    }
    if (seen.size === 0)
        return target;
    return Math.max(0, ...[...seen].map((t) => target - (executed.get(t) ?? 0)));
}
/**
 * Walks the history newest first in batches: each batch is exactly as many runs as are still
 * needed at least (a run adds at most one execution per tool), so no run is fetched that could
 * not have been needed; stops at `maxRuns` or when the list ends.
 */
async function collectHistory(o) {
    const pager = new RunPager(o);
    const stats = { list: 0, artifactLookups: 0, downloads: 0 };
    const limit = (0,p_limit/* default */.A)(o.concurrency ?? 4);
    const records = [];
    let stoppedBecause = 'enough-evidence';
    for (;;) {
        const need = stillNeeded(records, o);
        if (need === 0)
            break;
        if (records.length >= o.maxRuns) {
            stoppedBecause = 'max-runs';
            break;
        }
        const batch = await pager.take(Math.min(need, o.maxRuns - records.length));
        stats.list = pager.requests;
        if (batch.length === 0) {
            stoppedBecause = 'no-more-runs';
            break;
        }
        let data;
        try {
            data = await Promise.all(batch.map((run) => limit(() => fetchRunData(o, run, stats))));
        }
        catch (e) {
            limit.clearQueue();
            throw e;
        }
        batch.forEach((run, i) => records.push({ run, data: data[i] }));
        o.log?.(`examined ${records.length} run(s): ${records.filter((r) => r.data.kind === 'ok').length} with data`);
    }
    stats.list = pager.requests;
    return { records, stoppedBecause, skipped: pager.skipped, stats };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/promotion/evaluate.ts
/**
 * The promotion policy, made measurable (pure: run history in, report out; no I/O, no clock).
 *
 * "Observe at least `window` runs on the branch where the tool executed; the latest `stable-runs`
 * runs where it executed are consecutive, meet the baseline and never regress", plus operational
 * readiness (Justfile recipes, every active waiver has an owner). Each criterion carries its
 * evidence (run ids, numbers, dates, links). A run without data is never a pass: it does not count
 * as an execution and it breaks a consecutive stretch.
 */

const PROMOTION_REPORT_SCHEMA_VERSION = 1;
const PROMOTION_REPORT_KIND = 'security-gate-promotion-report';
const active = (t) => t.counts.block + t.counts.warn + t.counts.info;
const sumSeverity = (t) => Object.values(t.severity).reduce((a, b) => a + b, 0);
// New in the change as the gate counted them: every finding when the run did not know the change.
const newInChange = (t) => t.findings.filter((f) => (f.inChange === true || (!t.changeKnown && f.inChange === undefined)) && f.disposition !== 'waived').length;
// HIGH as the gate treated it: a severity Bandit does not define counts as unknown-severity (high by
// default). A result without effective severities counts its unknowns as high (fail closed).
const banditHigh = (t) => t.findings.every((f) => f.effectiveSeverity !== undefined)
    ? t.findings.filter((f) => f.effectiveSeverity === 'high' || f.effectiveSeverity === 'critical').length
    : t.severity.high + t.severity.critical + t.severity.unknown;
/** The team's baselines. Waivers count only where the policy says "after valid waivers". */
const BASELINES = {
    bandit: { description: 'Bandit HIGH = 0', count: banditHigh, unit: 'HIGH' },
    'pip-audit': { description: 'pip-audit vulnerabilities = 0', count: sumSeverity, unit: 'vulnerabilities' },
    gitleaks: { description: 'gitleaks active secrets = 0 (after valid waivers)', count: active, unit: 'active secrets' },
    deptry: { description: 'deptry: no new findings in touched modules', count: newInChange, unit: 'new findings in touched modules' },
    vulture: { description: 'vulture: no new findings in touched modules', count: newInChange, unit: 'new findings in touched modules' },
    mutmut: { description: 'mutmut smoke ran', count: () => 0, unit: '' },
    'secret-scan': { description: 'secrets in added lines = 0 (after valid waivers)', count: active, unit: 'active secrets' },
};
const ref = (r) => ({ id: r.run.id, number: r.run.number, attempt: r.run.attempt, createdAt: r.run.createdAt, ...(r.run.url ? { url: r.run.url } : {}) });
const label = (r) => `run #${'run' in r ? r.run.number : r.number}`;
const round = (n, d = 4) => Math.round(n * 10 ** d) / 10 ** d;
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
function observe(records, tool) {
    return records.map((record, index) => {
        if (record.data.kind !== 'ok')
            return { index, record, state: 'no-data', note: record.data.reason };
        const data = record.data.result.tools.find((t) => t.tool === tool);
        if (!data)
            return { index, record, state: 'absent', note: 'not in this run\'s result' };
        if (data.status !== 'ok')
            return { index, record, state: 'not-executed', data, note: `${data.status}${data.messages[0] ? `: ${data.messages[0]}` : ''}` };
        return { index, record, state: 'executed', data };
    });
}
function gapNote(o, tool) {
    switch (o.state) {
        case 'no-data':
            return `${label(o.record)}${o.record.run.conclusion && o.record.run.conclusion !== 'success' ? ` (${o.record.run.conclusion})` : ''} has no data (${o.note})`;
        case 'absent':
            return `${model/* TOOL_LABELS */.tV[tool]} is not in ${label(o.record)}'s result`;
        default:
            return `${model/* TOOL_LABELS */.tV[tool]} did not execute in ${label(o.record)} (${o.note})`;
    }
}
function metricsFor(obs) {
    const executed = obs.filter((o) => o.state === 'executed');
    const chrono = [...executed].reverse();
    const open = new Map();
    const fixes = [];
    const distinct = new Set();
    const waived = new Set();
    const fps = new Set();
    for (const o of chrono) {
        const at = Date.parse(o.record.run.createdAt);
        const present = new Set(o.data.findings.map((f) => f.fingerprint));
        for (const [fp, since] of open) {
            if (!present.has(fp)) {
                if (Number.isFinite(at) && Number.isFinite(since))
                    fixes.push((at - since) / 3_600_000);
                open.delete(fp);
            }
        }
        for (const f of o.data.findings) {
            if (!open.has(f.fingerprint))
                open.set(f.fingerprint, at);
            distinct.add(f.fingerprint);
            if (f.disposition === 'waived') {
                waived.add(f.fingerprint);
                if (f.waiver?.reasonCategory && /false[\s_-]*positive/i.test(f.waiver.reasonCategory))
                    fps.add(f.fingerprint);
            }
        }
    }
    const rate = (n) => (distinct.size === 0 ? null : round(n / distinct.size));
    return {
        runsExamined: obs.length,
        runsWithData: obs.filter((o) => o.state !== 'no-data').length,
        runsExecuted: executed.length,
        scanCoverage: obs.length === 0 ? null : round(executed.length / obs.length),
        meanTimeToFixHours: fixes.length === 0 ? null : round(fixes.reduce((a, b) => a + b, 0) / fixes.length, 2),
        findingsFixed: fixes.length,
        findingsOpen: open.size,
        distinctFindings: distinct.size,
        waivedFindings: waived.size,
        waiverRate: rate(waived.size),
        falsePositives: fps.size,
        falsePositiveRate: rate(fps.size),
    };
}
function evaluateTool(tool, input, justfileCriterion) {
    const obs = observe(input.history.records, tool);
    const executed = obs.filter((o) => o.state === 'executed');
    const baseline = BASELINES[tool];
    const ev = (o, value, note) => ({ ...ref(o.record), ...(value !== undefined ? { value } : {}), ...(note ? { note } : {}) });
    const criteria = [];
    // 1. Executed in at least `window` runs.
    criteria.push({
        id: 'executed-in-window',
        label: `executed in at least ${input.window} runs`,
        met: executed.length >= input.window,
        detail: `executed in ${executed.length} of ${plural(obs.length, 'run')} examined${executed.length >= input.window ? '' : ` (needs ${input.window})`}`,
        evidence: executed.map((o) => ev(o)),
    });
    // 2. The latest `stable-runs` executed runs are consecutive.
    const stretch = executed.slice(0, input.stableRuns);
    const enough = stretch.length === input.stableRuns;
    const first = stretch[0];
    const last = stretch.at(-1);
    const gaps = first && last ? obs.slice(first.index, last.index + 1).filter((o) => o.state !== 'executed') : [];
    // The stretch must reach the newest run examined: a tool that stopped running is not ready, however
    // good its past, and a newer run without data proves nothing (so less data can never make a tool ready).
    const stopped = first ? obs.slice(0, first.index) : [];
    const breaks = [...stopped, ...gaps];
    const list = (xs) => `${xs.slice(0, 3).map((g) => gapNote(g, tool)).join('; ')}${xs.length > 3 ? `; and ${xs.length - 3} more` : ''}`;
    criteria.push({
        id: 'stable-consecutive',
        label: `latest ${input.stableRuns} runs where it executed are consecutive, up to the newest run`,
        met: enough && breaks.length === 0,
        detail: !enough
            ? `only ${plural(stretch.length, 'run')} where it executed (needs ${input.stableRuns})`
            : breaks.length === 0
                ? `${label(last.record)} to ${label(first.record)}, no gap`
                : [stopped.length > 0 ? `newer runs without it: ${list(stopped)}` : '', gaps.length > 0 ? `broken: ${list(gaps)}` : ''].filter(Boolean).join('; '),
        evidence: [...stretch.map((o) => ev(o)), ...breaks.map((g) => ev(g, undefined, gapNote(g, tool)))].sort((a, b) => b.number - a.number || b.id - a.id),
    });
    // 3. Each run of the stretch meets the baseline.
    const counts = stretch.map((o) => ({ o, n: baseline.count(o.data) }));
    const failing = counts.filter((c) => c.n > 0);
    criteria.push({
        id: 'stable-baseline',
        label: `meets the baseline (${baseline.description}) in those runs`,
        met: enough && failing.length === 0,
        detail: !enough
            ? `cannot tell: only ${plural(stretch.length, 'run')} where it executed`
            : failing.length === 0
                ? `met in all ${input.stableRuns} runs`
                : `not met in ${failing.map((f) => `${label(f.o.record)} (${f.n} ${baseline.unit})`).join(', ')}`,
        evidence: counts.map((c) => ev(c.o, c.n)),
    });
    // 4. No regression inside the stretch: the active-finding count never rises, run to run.
    const chrono = [...stretch].reverse().map((o) => ({ o, n: active(o.data) }));
    const rises = [];
    for (let i = 1; i < chrono.length; i++) {
        const a = chrono[i - 1];
        const b = chrono[i];
        if (b.n > a.n)
            rises.push(`active findings rose from ${a.n} (${label(a.o.record)}) to ${b.n} (${label(b.o.record)})`);
    }
    criteria.push({
        id: 'stable-no-regression',
        label: 'never regresses in those runs (active findings do not rise run to run)',
        met: enough && rises.length === 0,
        detail: !enough ? `cannot tell: only ${plural(stretch.length, 'run')} where it executed` : rises.length === 0 ? `active findings ${chrono.map((c) => c.n).join(' → ')}` : rises.join('; '),
        evidence: [...chrono].reverse().map((c) => ev(c.o, c.n)),
    });
    // 5. Operational: the Justfile recipes (same for every tool).
    criteria.push(justfileCriterion);
    // 6. Operational: every active waiver (applied in the latest run where it executed) has an owner.
    const latest = executed[0];
    if (!latest) {
        criteria.push({ id: 'waiver-owners', label: 'every active waiver has an owner', met: false, detail: 'cannot tell: no run where it executed', evidence: [] });
    }
    else {
        const waived = latest.data.findings.filter((f) => f.disposition === 'waived');
        const ownerless = waived.filter((f) => !f.waiver?.owner?.trim());
        const ids = [...new Set(ownerless.map((f) => f.waiver?.id ?? `(no waiver record: ${f.fingerprint})`))];
        criteria.push({
            id: 'waiver-owners',
            label: 'every active waiver has an owner',
            met: ownerless.length === 0,
            detail: waived.length === 0
                ? `no active waiver in ${label(latest.record)}`
                : ownerless.length === 0
                    ? `${plural(waived.length, 'waived finding')} in ${label(latest.record)}, every waiver has an owner`
                    : `${plural(ownerless.length, 'waived finding')} in ${label(latest.record)} without an owner: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`,
            evidence: [ev(latest, ownerless.length)],
        });
    }
    const reasons = criteria.filter((c) => !c.met).map((c) => `${c.label}: ${c.detail}`);
    const ready = reasons.length === 0;
    return {
        tool,
        label: model/* TOOL_LABELS */.tV[tool],
        ready,
        verdict: ready ? 'ready' : `not ready, because ${reasons.join('; ')}`,
        reasons,
        baseline: baseline.description,
        criteria,
        metrics: metricsFor(obs),
        timeline: obs.map((o) => ({
            runId: o.record.run.id,
            runNumber: o.record.run.number,
            createdAt: o.record.run.createdAt,
            state: o.state,
            ...(o.state === 'executed' ? { baseline: baseline.count(o.data), active: active(o.data) } : {}),
            ...(o.note ? { note: o.note } : {}),
        })),
    };
}
function justfileCriterion(j, required) {
    const recipes = required.map((name) => ({ name, present: j.recipes.includes(name) }));
    const missing = recipes.filter((r) => !r.present).map((r) => r.name);
    return {
        recipes,
        criterion: {
            id: 'justfile-recipes',
            label: `the Justfile has the local recipes (${required.join(', ')})`,
            met: j.found && missing.length === 0,
            detail: !j.found ? `no Justfile at ${j.path}${j.error ? ` (${j.error})` : ''}` : missing.length === 0 ? `${j.path} defines all ${required.length}` : `${j.path} lacks ${missing.join(', ')}`,
            evidence: [],
        },
    };
}
/** The whole report. Pure. */
function evaluatePromotion(input) {
    const { records } = input.history;
    const seen = new Set();
    const unknown = new Set();
    for (const r of records) {
        if (r.data.kind !== 'ok')
            continue;
        for (const t of r.data.result.tools)
            seen.add(t.tool);
        for (const u of r.data.result.unknownTools)
            unknown.add(u);
    }
    const tools = input.tools ?? model/* TOOL_IDS */.ou.filter((t) => seen.has(t));
    const jf = justfileCriterion(input.justfile, input.requiredRecipes);
    const results = tools.map((t) => evaluateTool(t, input, jf.criterion));
    const ready = results.filter((r) => r.ready).map((r) => r.tool);
    const notReady = results.filter((r) => !r.ready).map((r) => r.tool);
    const withData = records.filter((r) => r.data.kind === 'ok').length;
    const notices = [];
    const noData = records.length - withData;
    if (noData > 0)
        notices.push(`${plural(noData, 'run')} of ${records.length} examined had no data (expired or missing artifact, or unreadable result): they prove nothing, and a stretch of evidence cannot reach across them.`);
    if (input.history.stoppedBecause === 'max-runs')
        notices.push(`Stopped after max-runs (${input.maxRuns}) runs before every tool had ${input.window} runs where it executed.`);
    if (input.history.stoppedBecause === 'no-more-runs')
        notices.push(`The workflow has only ${records.length} completed run(s) on ${input.source.branch} (window ${input.window}).`);
    const sk = input.history.skipped;
    const was = (n) => (n === 1 ? 'was' : 'were');
    if (sk.inProgress > 0)
        notices.push(`${plural(sk.inProgress, 'run')} not completed yet ${was(sk.inProgress)} skipped.`);
    if (sk.duplicates > 0)
        notices.push(`${plural(sk.duplicates, 'repeated run id')} in the listing (re-runs or page shifts) counted once.`);
    if (sk.pullRequest > 0)
        notices.push(`${plural(sk.pullRequest, 'pull-request run')} (or runs from another repository) ${was(sk.pullRequest)} skipped: only the branch's own runs count.`);
    if (sk.otherBranch > 0)
        notices.push(`${plural(sk.otherBranch, 'run')} of another branch in the listing ${was(sk.otherBranch)} skipped.`);
    if (unknown.size > 0)
        notices.push(`Result files name tools this version does not know (ignored): ${[...unknown].sort().join(', ')}.`);
    for (const t of input.tools ?? [])
        if (!seen.has(t))
            notices.push(`${model/* TOOL_LABELS */.tV[t]} was asked for but appears in no examined run.`);
    if (tools.length === 0)
        notices.push('No tool to judge: no examined run had a readable result.');
    const headline = tools.length === 0
        ? 'No tool can be judged: no readable gate result in the examined runs'
        : ready.length === 0
            ? `No tool is ready for phase 2 (${tools.length} judged)`
            : `${ready.length} of ${tools.length} tools ready for phase 2: ${ready.map((t) => model/* TOOL_LABELS */.tV[t]).join(', ')}`;
    return {
        schemaVersion: PROMOTION_REPORT_SCHEMA_VERSION,
        kind: PROMOTION_REPORT_KIND,
        generatedAt: input.now.toISOString(),
        source: input.source,
        policy: {
            window: input.window,
            stableRuns: input.stableRuns,
            maxRuns: input.maxRuns,
            strict: input.strict,
            tools: input.tools ?? null,
            justfile: input.justfile.path,
            justfileRecipes: input.requiredRecipes,
        },
        verdict: { headline, ready, notReady },
        collection: { runsExamined: records.length, runsWithData: withData, stoppedBecause: input.history.stoppedBecause, skipped: input.history.skipped },
        runs: records.map((r) => ({
            ...ref(r),
            conclusion: r.run.conclusion,
            ...(r.run.event ? { event: r.run.event } : {}),
            ...(r.run.headSha ? { headSha: r.run.headSha } : {}),
            data: r.data.kind,
            ...(r.data.kind === 'no-data' ? { reason: r.data.reason } : { tools: r.data.result.tools.map((t) => ({ tool: t.tool, status: t.status })) }),
        })),
        tools: results,
        operational: { justfile: { path: input.justfile.path, found: input.justfile.found, ...(input.justfile.error ? { error: input.justfile.error } : {}), recipes: jf.recipes } },
        requests: input.requests,
        notices,
    };
}

;// CONCATENATED MODULE: ./src/promotion/justfile.ts
/**
 * Recipe names a Justfile defines (pure, no `just` needed): recipe headers at the start of a line,
 * `name params…:` or `@name:`, and aliases (`alias b := name`). Assignments (`x := …`), settings,
 * comments, attributes (`[private]`) and recipe bodies (indented) are not recipes.
 */
function justfileRecipes(text) {
    const names = new Set();
    for (const raw of text.split(/\r?\n/)) {
        if (raw === '' || /^\s/.test(raw) || raw.startsWith('#') || raw.startsWith('['))
            continue;
        const alias = /^alias\s+([A-Za-z_][A-Za-z0-9_-]*)\s*:=/.exec(raw);
        if (alias) {
            names.add(alias[1]);
            continue;
        }
        if (/^(set|export|import|mod)\s/.test(raw))
            continue;
        // `\s[^:]*` rather than `\s+[^:]*?\s*`: three runs that can each take the spaces backtracked
        // cubically on a long line without a colon.
        const m = /^@?([A-Za-z_][A-Za-z0-9_-]*)(?:\s[^:]*)?:(?!=)/.exec(raw);
        if (m)
            names.add(m[1]);
    }
    return [...names];
}

// EXTERNAL MODULE: ./src/util/lists.ts
var lists = __webpack_require__(5217);
;// CONCATENATED MODULE: ./src/promotion/render.ts
/**
 * Markdown for the promotion report (file and job summary). Pure. Leads with the one-line verdict,
 * then a table per tool, then each tool's criteria with their evidence, then the runs examined.
 * Text that came from artifacts or the API is escaped; within `budgetBytes` detail is dropped
 * first (runs table, evidence lists), then the text is cut, saying so.
 */


/** GitHub drops a step summary over 1 MiB; stay well below. */
const SUMMARY_BUDGET_BYTES = (/* unused pure expression or super */ null && (900 * 1024));
// No character that ends a link or splits a table cell (`|`) or escapes one.
const safeUrl = (u) => (u && /^https?:\/\/[^\s()<>"'`|\\[\]]+$/.test(u) ? u : undefined);
function runLink(r) {
    const url = safeUrl(r.url);
    return url ? `[#${r.number}](${url})` : `#${r.number}`;
}
/** `2026-11-01 05:00 UTC` for an ISO date from the API; anything else escaped. */
const when = (iso) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : (0,util_escape/* escapeMarkdown */.FV)(iso));
const pct = (x) => (x === null ? '–' : `${Math.round(x * 1000) / 10}%`);
const hours = (h) => (h === null ? '–' : h >= 48 ? `${Math.round((h / 24) * 10) / 10} d` : `${Math.round(h * 10) / 10} h`);
const mark = (met) => (met ? '✅' : '❌');
function evidenceList(ev, max) {
    if (ev.length === 0)
        return '';
    // Notes (why a run is a gap) are already in the detail; the JSON report keeps them per run.
    const shown = ev.slice(0, max).map((e) => `${runLink(e)}${e.value !== undefined ? ` (${e.value})` : e.note ? ' (gap)' : ''}`);
    return ` — runs: ${shown.join(', ')}${ev.length > max ? `, and ${ev.length - max} more in the JSON report` : ''}`;
}
function criterionLine(c, maxEvidence) {
    return `- ${mark(c.met)} **${(0,util_escape/* escapeMarkdown */.FV)(c.label)}**: ${(0,util_escape/* escapeMarkdown */.FV)(c.detail)}${maxEvidence > 0 ? evidenceList(c.evidence, maxEvidence) : ''}`;
}
function toolSection(t, maxEvidence) {
    const head = t.ready ? `### ✅ ${(0,util_escape/* escapeMarkdown */.FV)(t.label)}: ready for phase 2` : `### ❌ ${(0,util_escape/* escapeMarkdown */.FV)(t.label)}: not ready`;
    const m = t.metrics;
    return [
        head,
        '',
        `Baseline: ${(0,util_escape/* escapeMarkdown */.FV)(t.baseline)}.`,
        '',
        ...t.criteria.map((c) => criterionLine(c, maxEvidence)),
        '',
        `Metrics over ${m.runsExamined} runs: coverage ${pct(m.scanCoverage)} (${m.runsExecuted} executed, ${m.runsWithData} with data) · mean time to fix ${hours(m.meanTimeToFixHours)} (${m.findingsFixed} fixed, ${m.findingsOpen} open) · waiver rate ${pct(m.waiverRate)} (${m.waivedFindings} of ${m.distinctFindings}) · false-positive rate ${pct(m.falsePositiveRate)} (${m.falsePositives})`,
        '',
    ].join('\n');
}
function render(r, detail) {
    const out = [];
    const icon = r.verdict.notReady.length === 0 && r.verdict.ready.length > 0 ? '🟢' : r.verdict.ready.length > 0 ? '🟡' : '⚪';
    out.push(`## ${icon} Promotion evidence: ${(0,util_escape/* escapeMarkdown */.FV)(r.verdict.headline)}`, '');
    out.push(`Policy: at least ${r.policy.window} runs on ${(0,util_escape/* escapeCode */.tn)(r.source.branch)} where the tool executed; the latest ${r.policy.stableRuns} of them consecutive, meeting the baseline, never regressing; Justfile recipes present; every active waiver owned. ` +
        `Source: ${(0,util_escape/* escapeCode */.tn)(r.source.repository)} workflow ${(0,util_escape/* escapeCode */.tn)(r.source.workflow)}, artifact ${(0,util_escape/* escapeCode */.tn)(r.source.artifactName)}; ${r.collection.runsExamined} runs examined, ${r.collection.runsWithData} with data.`, '');
    if (r.tools.length > 0) {
        out.push('| tool | verdict | executed | stable stretch | baseline | no regression | operational | coverage | MTTF | waiver rate | FP rate |');
        out.push('|---|---|---:|---|---|---|---|---:|---:|---:|---:|');
        for (const t of r.tools) {
            const c = (id) => t.criteria.find((x) => x.id === id);
            const ops = [c('justfile-recipes'), c('waiver-owners')].every((x) => x?.met);
            out.push(`| ${(0,util_escape/* escapeMarkdown */.FV)(t.label)} | ${t.ready ? '✅ ready' : '❌ not ready'} | ${t.metrics.runsExecuted}${t.metrics.runsExecuted >= r.policy.window ? '' : ` (needs ${r.policy.window})`} | ${mark(!!c('stable-consecutive')?.met)} | ${mark(!!c('stable-baseline')?.met)} | ${mark(!!c('stable-no-regression')?.met)} | ${mark(ops)} | ${pct(t.metrics.scanCoverage)} | ${hours(t.metrics.meanTimeToFixHours)} | ${pct(t.metrics.waiverRate)} | ${pct(t.metrics.falsePositiveRate)} |`);
        }
        out.push('');
    }
    if (r.notices.length > 0)
        (0,lists/* pushAll */.i)(out, r.notices.map((n) => `> ${(0,util_escape/* escapeMarkdown */.FV)(n)}`), ['']);
    for (const t of r.tools)
        out.push(toolSection(t, detail.evidence));
    if (detail.runs && r.runs.length > 0) {
        out.push(`<details><summary>${r.runs.length} runs examined (newest first)</summary>`, '');
        out.push('| run | attempt | created | conclusion | data |', '|---|---:|---|---|---|');
        for (const run of r.runs) {
            const data = run.data === 'ok' ? (run.tools ?? []).map((t) => `${t.tool}: ${t.status}`).join(', ') || 'no tools' : `no data: ${run.reason ?? ''}`;
            out.push(`| ${runLink(run)} | ${run.attempt} | ${when(run.createdAt)} | ${(0,util_escape/* escapeMarkdown */.FV)(run.conclusion ?? '–')} | ${(0,util_escape/* escapeMarkdown */.FV)(data)} |`);
        }
        out.push('', '</details>', '');
    }
    out.push(`Requests to the API: ${r.requests.total} (${r.requests.list} list, ${r.requests.artifactLookups} artifact lookups, ${r.requests.downloads} downloads). Full evidence: \`.ci-security-promotion-report.json\` (schema version ${r.schemaVersion}).`, '');
    return out.join('\n');
}
/** The report as Markdown within `budgetBytes` (default: no limit). */
function renderPromotionMarkdown(r, budgetBytes = Infinity) {
    const attempts = [
        { evidence: 20, runs: true },
        { evidence: 20, runs: false },
        { evidence: 5, runs: false },
        { evidence: 0, runs: false },
    ];
    let md = '';
    for (const a of attempts) {
        md = render(r, a);
        if (Buffer.byteLength(md, 'utf8') <= budgetBytes)
            return a === attempts[0] ? md : `${md}\n_Detail was shortened to fit the summary; the JSON report has all of it._\n`;
    }
    const note = '\n\n_Cut to fit the summary; the full report is in `.ci-security-promotion-report.md` and `.json`._\n';
    let cut = Buffer.from(md, 'utf8').subarray(0, Math.max(0, budgetBytes - Buffer.byteLength(note))).toString('utf8');
    cut = cut.replace(/\uFFFD$/, '');
    const nl = cut.lastIndexOf('\n');
    return (nl > 0 ? cut.slice(0, nl) : cut) + note;
}

// EXTERNAL MODULE: ./node_modules/zod/v4/core/core.js
var core = __webpack_require__(8532);
;// CONCATENATED MODULE: ./src/engine/outputs.ts
const RESULT_FILE = 'security-gate-result.json';
const SUMMARY_FILE = 'security-gate-summary.md';
/** Output names, documented in action.yml (a test keeps the two in step). */
const OUTPUT_NAMES = (/* unused pure expression or super */ null && ([
    'verdict',
    'should-fail',
    'would-block',
    'blocking-count',
    'warning-count',
    'info-count',
    'bandit-high',
    'bandit-medium',
    'bandit-low',
    'pip-audit-vulns',
    'pip-audit-critical',
    'pip-audit-high',
    'pip-audit-medium',
    'pip-audit-low',
    'pip-audit-unknown',
    'counts',
    'result-file',
    'summary-file',
    'artifact-id',
    'artifact-url',
    'sarif-file',
    'gitleaks-secrets',
    'deptry-new',
    'deptry-total',
    'vulture-new',
    'vulture-total',
    'mutmut-killed',
    'mutmut-survived',
    'mutmut-score',
    'secret-scan-matches',
    'waived-count',
    'overridden',
]));
function outputs_tool(r, id) {
    return r.tools.find((t) => t.tool === id);
}
/** Findings of a tool in files the change touches (all of them when the change is unknown). */
function newCount(t) {
    return t ? t.findings.filter((f) => f.inChange !== false).length : 0;
}
function computeOutputs(r, files) {
    const mutmut = outputs_tool(r, 'mutmut');
    const bandit = outputs_tool(r, 'bandit');
    const pip = outputs_tool(r, 'pip-audit');
    const counts = {};
    for (const t of r.tools) {
        // As the result JSON names them: by severity and by disposition (both have an `info`).
        counts[t.tool] = { status: t.status, phase: t.phase, findings: t.findings.length, severity: t.severity, counts: t.counts };
    }
    return {
        verdict: r.verdict,
        'should-fail': String(r.shouldFail),
        'would-block': String(r.totals.wouldBlock),
        'blocking-count': String(r.totals.block),
        'warning-count': String(r.totals.warn),
        'info-count': String(r.totals.info),
        'bandit-high': String(bandit?.severity.high ?? 0),
        'bandit-medium': String(bandit?.severity.medium ?? 0),
        'bandit-low': String(bandit?.severity.low ?? 0),
        'pip-audit-vulns': String(pip?.findings.length ?? 0),
        'pip-audit-critical': String(pip?.severity.critical ?? 0),
        'pip-audit-high': String(pip?.severity.high ?? 0),
        'pip-audit-medium': String(pip?.severity.medium ?? 0),
        'pip-audit-low': String(pip?.severity.low ?? 0),
        'pip-audit-unknown': String(pip?.severity.unknown ?? 0),
        counts: JSON.stringify(counts),
        'result-file': files.resultFile,
        'summary-file': files.summaryFile,
        'artifact-id': r.artifact?.id !== undefined ? String(r.artifact.id) : '',
        'artifact-url': r.artifact?.url ?? '',
        'sarif-file': files.sarifFile ?? '',
        'gitleaks-secrets': String(outputs_tool(r, 'gitleaks')?.findings.filter((f) => f.disposition !== 'waived').length ?? 0),
        'deptry-new': String(newCount(outputs_tool(r, 'deptry'))),
        'deptry-total': String(outputs_tool(r, 'deptry')?.findings.length ?? 0),
        'vulture-new': String(newCount(outputs_tool(r, 'vulture'))),
        'vulture-total': String(outputs_tool(r, 'vulture')?.findings.length ?? 0),
        'mutmut-killed': mutmut?.stats.killed !== undefined ? String(mutmut.stats.killed) : '',
        'mutmut-survived': mutmut?.stats.survived !== undefined ? String(mutmut.stats.survived) : '',
        'mutmut-score': mutmut?.stats.score !== undefined ? String(mutmut.stats.score) : '',
        'secret-scan-matches': String(outputs_tool(r, 'secret-scan')?.findings.filter((f) => f.disposition !== 'waived').length ?? 0),
        'waived-count': String(r.totals.waived),
        overridden: String(r.overridden === true),
    };
}

;// CONCATENATED MODULE: ./src/promotion/settings.ts
/**
 * Settings of the promotion-evidence action and `security-gate promotion`: one zod schema owns the
 * input names, defaults and validation, so `promotion/action.yml`, the CLI flags and the docs cannot
 * drift apart (a test compares them). Values arrive as strings; an empty string means "not given".
 */




/** Name of the gate's result file inside its artifact: the gate's own constant (`security-gate-result.json`). */
const RESULT_FILE_NAME = RESULT_FILE;
/** The gate's default artifact name (same default as the gate's `artifact-name` input). */
const DEFAULT_ARTIFACT_NAME = 'security-gate-reports';
/** Report files written to `output-dir`. */
const REPORT_JSON_FILE = '.ci-security-promotion-report.json';
const REPORT_MARKDOWN_FILE = '.ci-security-promotion-report.md';
/** Justfile recipes the team documents for local reproduction. */
const DEFAULT_RECIPES = ['api-security-bandit', 'api-security-audit', 'api-quality-security-hygiene'];
/** Input names, with the description used by action.yml and `--help` (the test keeps them in step). */
const PROMOTION_INPUTS = {
    'github-token': 'Token that can read Actions runs and artifacts (actions: read). Default: the workflow token.',
    repository: 'owner/name of the repository whose history is read. Default: the current repository.',
    workflow: 'Workflow file name (e.g. ci.yml) or numeric id whose runs carry the gate artifact. Default: the current workflow.',
    branch: 'Branch whose completed runs are examined.',
    window: 'A tool must have executed in at least this many examined runs.',
    'stable-runs': 'The latest N runs where a tool executed must be consecutive up to the newest run, meet the baseline and never regress.',
    'max-runs': 'Most completed runs examined, newest first (examination stops earlier once every tool has `window` runs). Default: 3 x the larger of window and stable-runs.',
    'artifact-name': "Name of the gate's artifact (the gate's artifact-name).",
    tools: 'Tools to judge (comma- or newline-separated). Default: every tool seen in the examined runs.',
    strict: 'true: exit non-zero when a tool is not ready. Default false: unmet criteria are reported, the step passes.',
    'output-dir': 'Directory for .ci-security-promotion-report.md and .json.',
    justfile: 'Path of the Justfile checked for the local recipes. Default: Justfile, else justfile, else .justfile.',
    'justfile-recipes': 'Recipes the Justfile must define (operational readiness).',
};
/** Defaults as they appear in action.yml (string form); absent = computed from the environment. */
const PROMOTION_INPUT_DEFAULTS = {
    'github-token': '${{ github.token }}',
    branch: 'main',
    window: '10',
    'stable-runs': '5',
    'artifact-name': DEFAULT_ARTIFACT_NAME,
    strict: 'false',
    'output-dir': '.',
    'justfile-recipes': DEFAULT_RECIPES.join(','),
};
const PROMOTION_OUTPUTS = {
    'ready-tools': 'Comma-separated tools ready for phase 2.',
    'not-ready-tools': 'Comma-separated tools not ready (see the report for why).',
    'report-json': 'Path of .ci-security-promotion-report.json.',
    'report-markdown': 'Path of .ci-security-promotion-report.md.',
};
const list = (name) => schemas.string().transform((v) => v
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'))).describe(name);
const bool = (name) => schemas.string().transform((v, ctx) => {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(s))
        return true;
    if (['false', 'no', 'off', '0'].includes(s))
        return false;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${JSON.stringify(v)}; expected true or false` });
    return core/* NEVER */.tm;
});
const intIn = (name, min, max) => schemas.string().transform((v, ctx) => {
    const s = v.trim();
    const n = Number(s);
    if (/^\d+$/.test(s) && n >= min && n <= max)
        return n;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${JSON.stringify(v)}; expected a whole number from ${min} to ${max}` });
    return core/* NEVER */.tm;
});
const promotionSchema = schemas.object({
    'github-token': schemas.string().trim().min(1, 'github-token: missing; give a token that can read Actions (actions: read), e.g. ${{ github.token }} or GITHUB_TOKEN'),
    repository: schemas.string()
        .trim()
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'repository: expected owner/name'),
    workflow: schemas.string()
        .trim()
        .regex(/^(\d+|[^/\\\s?#%]+\.ya?ml)$/, 'workflow: expected a workflow file name such as ci.yml, or its numeric id'),
    branch: schemas.string().trim().min(1).max(255),
    window: intIn('window', 1, 500),
    'stable-runs': intIn('stable-runs', 1, 500),
    'max-runs': intIn('max-runs', 1, 1000).optional(),
    'artifact-name': schemas.string()
        .trim()
        .regex(/^[^"<>|*?\\/:\r\n]{1,200}$/, 'artifact-name: expected 1-200 characters without " : < > | * ? \\ / or newlines'),
    tools: list('tools')
        .transform((tools, ctx) => {
        const bad = tools.filter((t) => !model/* TOOL_IDS */.ou.includes(t));
        if (bad.length > 0) {
            ctx.addIssue({ code: 'custom', message: `tools: unknown tool ${bad.map((b) => JSON.stringify(b)).join(', ')}; expected any of ${model/* TOOL_IDS */.ou.join(', ')}` });
            return core/* NEVER */.tm;
        }
        return model/* TOOL_IDS */.ou.filter((t) => tools.includes(t));
    })
        .optional(),
    strict: bool('strict'),
    'output-dir': schemas.string().trim().min(1),
    justfile: schemas.string().trim().min(1).optional(),
    'justfile-recipes': list('justfile-recipes').refine((r) => r.every((n) => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(n)), 'justfile-recipes: expected recipe names (letters, digits, - and _)'),
})
    .strict()
    .transform((s) => ({ ...s, 'max-runs': s['max-runs'] ?? Math.min(1000, Math.max(s.window, s['stable-runs']) * 3) }))
    .superRefine((s, ctx) => {
    if (s['max-runs'] < Math.max(s.window, s['stable-runs'])) {
        ctx.addIssue({ code: 'custom', path: ['max-runs'], message: `max-runs: got ${s['max-runs']}; expected at least window (${s.window}) and stable-runs (${s['stable-runs']})` });
    }
});
/** The workflow file of the running job, from GITHUB_WORKFLOW_REF (`o/r/.github/workflows/ci.yml@refs/heads/main`). */
function currentWorkflowFile(env) {
    const ref = env.GITHUB_WORKFLOW_REF;
    if (!ref)
        return undefined;
    const m = /\/\.github\/workflows\/([^@/]+)@/.exec(ref);
    return m?.[1];
}
/**
 * Settings from raw inputs (action inputs or CLI flags, by input name) with the environment's
 * defaults (repository, workflow, token). Throws ConfigurationError naming each bad input.
 */
function parsePromotionSettings(raw, env) {
    const merged = {};
    for (const [k, v] of Object.entries(PROMOTION_INPUT_DEFAULTS))
        if (!v.startsWith('${{'))
            merged[k] = v;
    const fromEnv = {
        'github-token': env.GITHUB_TOKEN || env.GH_TOKEN,
        repository: env.GITHUB_REPOSITORY,
        workflow: currentWorkflowFile(env),
    };
    for (const layer of [fromEnv, raw]) {
        for (const [k, v] of Object.entries(layer))
            if (v !== undefined && v.trim() !== '')
                merged[k] = v;
    }
    if (merged.repository === undefined)
        throw new schema/* ConfigurationError */.j1('repository: missing; give owner/name (GITHUB_REPOSITORY is not set)');
    if (merged.workflow === undefined)
        throw new schema/* ConfigurationError */.j1('workflow: missing; give the workflow file name (e.g. ci.yml) or id (GITHUB_WORKFLOW_REF is not set)');
    if (merged['github-token'] === undefined)
        throw new schema/* ConfigurationError */.j1('github-token: missing; give a token that can read Actions (actions: read), or set GITHUB_TOKEN');
    const r = promotionSchema.safeParse(merged);
    if (!r.success)
        throw new schema/* ConfigurationError */.j1(formatIssues(r.error.issues));
    return r.data;
}
/** Formats zod issues into one message per problem, naming the key (and a line, via `locate`). */
function formatIssues(issues, locate) {
    return issues
        .map((i) => {
        const key = i.path.map(String).join('.');
        // An unknown key is placed at its own line, not its parent's.
        const first = i.code === 'unrecognized_keys' ? i.keys[0] : undefined;
        const where = locate?.(first !== undefined ? [...i.path, first] : i.path) ?? (first !== undefined ? locate?.(i.path) : undefined);
        let msg = i.message;
        if (i.code === 'unrecognized_keys')
            msg = `unknown setting ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
        else if (i.code === 'invalid_type' || i.code === 'invalid_union')
            msg = `${key || 'value'}: ${i.message}`;
        else if (key && !msg.startsWith(key.split('.')[0] ?? ''))
            msg = `${key}: ${msg}`;
        return where ? `${where}: ${msg}` : msg;
    })
        .join('\n');
}

;// CONCATENATED MODULE: ./src/promotion/run.ts
/**
 * One promotion run, shared by the action and the CLI: read the history (API), the Justfile
 * (workspace), evaluate (pure), render, write the two report files. The caller decides what the
 * outcome means for the exit code (`exitCodeFor`).
 */








/** Overall time budget for the API calls. */
const DEADLINE_MS = 10 * 60 * 1000;
async function readJustfile(cwd, given) {
    const candidates = given ? [given] : ['Justfile', 'justfile', '.justfile'];
    let lastError = '';
    for (const p of candidates) {
        try {
            const text = await (0,promises_.readFile)((0,external_node_path_.resolve)(cwd, p), 'utf8');
            return { path: p, found: true, recipes: justfileRecipes(text) };
        }
        catch (e) {
            lastError = e.code === 'ENOENT' ? '' : e.message;
        }
    }
    return { path: given ?? 'Justfile', found: false, ...(lastError ? { error: lastError } : {}), recipes: [] };
}
async function runPromotion(s, deps) {
    const http = deps.http ??
        (0,io_http/* createHttpClient */.uT)({
            baseUrl: (0,io_http/* githubApiUrl */.BN)(deps.env),
            token: s['github-token'],
            // The client measures time with the real clock; `deps.now` only stamps the report.
            deadline: Date.now() + DEADLINE_MS,
            maxBodyBytes: 256 * 1024 * 1024,
            headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
            ...deps.httpOptions,
        });
    deps.log(`Reading completed runs of ${s.workflow} on ${s.branch} in ${s.repository} (window ${s.window}, stable runs ${s['stable-runs']}, at most ${s['max-runs']} runs)`);
    const history = await collectHistory({
        http,
        repository: s.repository,
        workflow: s.workflow,
        branch: s.branch,
        artifactName: s['artifact-name'],
        resultFile: RESULT_FILE_NAME,
        window: s.window,
        stableRuns: s['stable-runs'],
        maxRuns: s['max-runs'],
        tools: s.tools,
        concurrency: deps.concurrency ?? 4,
        log: deps.log,
    });
    const justfile = await readJustfile(deps.cwd, s.justfile);
    const report = evaluatePromotion({
        history,
        requests: { total: http.requestCount, ...history.stats },
        source: {
            repository: s.repository,
            workflow: s.workflow,
            branch: s.branch,
            artifactName: s['artifact-name'],
            resultFile: RESULT_FILE_NAME,
            serverUrl: deps.env.GITHUB_SERVER_URL || 'https://github.com',
        },
        window: s.window,
        stableRuns: s['stable-runs'],
        maxRuns: s['max-runs'],
        strict: s.strict,
        tools: s.tools,
        justfile,
        requiredRecipes: s['justfile-recipes'],
        now: deps.now(),
    });
    const markdown = renderPromotionMarkdown(report);
    const dir = (0,external_node_path_.resolve)(deps.cwd, s['output-dir']);
    await (0,promises_.mkdir)(dir, { recursive: true });
    const jsonPath = (0,external_node_path_.resolve)(dir, REPORT_JSON_FILE);
    const markdownPath = (0,external_node_path_.resolve)(dir, REPORT_MARKDOWN_FILE);
    await (0,promises_.writeFile)(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    await (0,promises_.writeFile)(markdownPath, markdown);
    let failure;
    if (report.collection.runsExamined === 0)
        failure = `no completed run of ${s.workflow} on ${s.branch} in ${s.repository}: nothing to read`;
    else if (report.collection.runsWithData === 0)
        failure = `none of the ${report.collection.runsExamined} runs examined has a readable "${s['artifact-name']}" artifact with ${RESULT_FILE_NAME}: nothing readable at all`;
    return { report, markdown, jsonPath, markdownPath, ...(failure ? { failure } : {}) };
}
/** 0: reported (criteria may be unmet); 1: strict and a tool is not ready; 3: runtime failure. (2: invalid options, from the CLI.) */
function exitCodeFor(o, strict) {
    if (o.failure)
        return 3;
    if (strict && (o.report.verdict.notReady.length > 0 || o.report.tools.length === 0))
        return 1;
    return 0;
}
/** `strict: true` and a tool is not ready: the step fails, on purpose. */
class PromotionNotReadyError extends Error {
    constructor(message) {
        super(message);
        this.name = 'PromotionNotReadyError';
    }
}


;// CONCATENATED MODULE: ./src/promotion/cli.ts
/**
 * `security-gate promotion`: the promotion evidence on a laptop or in any CI step (the team's
 * `just api-security-promotion-evidence`). Flags are named like the action's inputs; the token
 * comes from --github-token or GITHUB_TOKEN / GH_TOKEN.
 *
 * Exit codes: 0 report written (criteria may be unmet), 1 --strict and a tool is not ready,
 * 2 invalid options, 3 runtime failure (bad token, API unreachable after retries, nothing readable).
 */






function promotionUsage() {
    const lines = Object.entries(PROMOTION_INPUTS).map(([name, desc]) => {
        const d = PROMOTION_INPUT_DEFAULTS[name];
        const def = d && !d.startsWith('${{') ? ` (default ${d})` : '';
        return `  --${name.padEnd(18)} ${desc}${def}`;
    });
    return `Usage: security-gate promotion [options]

Reads the gate's result artifacts from the workflow's recent runs and says, per tool, whether it is
ready for phase 2, with the evidence. Writes .ci-security-promotion-report.md and .json.

${lines.join('\n')}
  --json               print the JSON report instead of the Markdown
  -h, --help           this text

Environment: GITHUB_TOKEN or GH_TOKEN (token), GITHUB_REPOSITORY, GITHUB_WORKFLOW_REF, GITHUB_API_URL.
Exit codes: 0 report written (criteria may be unmet), 1 --strict and a tool is not ready,
2 invalid options, 3 runtime failure (bad token, API unreachable after retries, nothing readable).
`;
}
const defaultIo = () => ({ stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd() });
async function runPromotionCli(argv, env, io = defaultIo()) {
    const options = { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } };
    for (const name of Object.keys(PROMOTION_INPUTS))
        options[name] = { type: name === 'strict' ? 'boolean' : 'string' };
    let values;
    try {
        values = (0,external_node_util_.parseArgs)({ args: argv, options, allowPositionals: false, strict: true }).values;
    }
    catch (e) {
        io.stderr(`security-gate promotion: ${e.message}\n\n${promotionUsage()}`);
        return 2;
    }
    if (values.help) {
        io.stdout(promotionUsage());
        return 0;
    }
    const raw = {};
    for (const name of Object.keys(PROMOTION_INPUTS)) {
        const v = values[name];
        if (typeof v === 'string')
            raw[name] = v;
        else if (v === true)
            raw[name] = 'true';
    }
    let settings;
    try {
        settings = parsePromotionSettings(raw, env);
    }
    catch (e) {
        if (e instanceof schema/* ConfigurationError */.j1) {
            io.stderr(`security-gate promotion: ${e.message}\n`);
            return 2;
        }
        throw e;
    }
    try {
        const outcome = await runPromotion(settings, {
            env,
            cwd: io.cwd,
            now: () => new Date(),
            log: (m) => io.stderr(`${(0,util_escape/* escapeLog */.Ah)(m)}\n`),
            ...io.deps,
        });
        const { report } = outcome;
        if (values.json)
            io.stdout(`${JSON.stringify(report, null, 2)}\n`);
        else {
            io.stdout(`${report.verdict.headline}\n`);
            for (const t of report.tools)
                io.stdout(`  ${(0,util_escape/* escapeLog */.Ah)(`${t.tool}: ${t.verdict}`)}\n`);
            for (const n of report.notices)
                io.stdout(`  note: ${(0,util_escape/* escapeLog */.Ah)(n)}\n`);
            io.stdout(`Reports: ${outcome.markdownPath}, ${outcome.jsonPath} (${report.requests.total} API requests)\n`);
        }
        const code = exitCodeFor(outcome, settings.strict);
        if (code === 3)
            io.stderr(`security-gate promotion: ${(0,util_escape/* escapeLog */.Ah)(outcome.failure ?? '')}\n`);
        return code;
    }
    catch (e) {
        if (e instanceof PromotionRuntimeError) {
            io.stderr(`security-gate promotion: ${(0,util_escape/* escapeLog */.Ah)(e.message)}\n`);
            return 3;
        }
        throw e;
    }
}


/***/ })

};
