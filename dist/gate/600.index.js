export const id = 600;
export const ids = [600];
export const modules = {

/***/ 14600:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  resolveReportSeverities: () => (/* binding */ resolveReportSeverities),
  severityNotice: () => (/* binding */ severityNotice)
});

// UNUSED EXPORTS: DEFAULT_BUDGET_MS, DEFAULT_CONCURRENCY, DEFAULT_OSV_API_URL, DEFAULT_TIMEOUT_MS, SEVERITY_SOURCES, canonicalId, combineUnresolved, describeSeverity, groupAdvisories, osvIdFor, resolveSeverities

;// CONCATENATED MODULE: ./node_modules/yocto-queue/index.js
/*
How it works:
`this.#head` is an instance of `Node` which keeps track of its current value and nests another instance of `Node` that keeps the value that comes after it. When a value is provided to `.enqueue()`, the code needs to iterate through `this.#head`, going deeper and deeper to find the last value. However, iterating through every single item is slow. This problem is solved by saving a reference to the last value as `this.#tail` so that it can reference it to add a new value.
*/

class Node {
	value;
	next;

	constructor(value) {
		this.value = value;
	}
}

class Queue {
	#head;
	#tail;
	#size;

	constructor() {
		this.clear();
	}

	enqueue(value) {
		const node = new Node(value);

		if (this.#head) {
			this.#tail.next = node;
			this.#tail = node;
		} else {
			this.#head = node;
			this.#tail = node;
		}

		this.#size++;
	}

	dequeue() {
		const current = this.#head;
		if (!current) {
			return;
		}

		this.#head = this.#head.next;
		this.#size--;

		// Clean up tail reference when queue becomes empty
		if (!this.#head) {
			this.#tail = undefined;
		}

		return current.value;
	}

	peek() {
		if (!this.#head) {
			return;
		}

		return this.#head.value;

		// TODO: Node.js 18.
		// return this.#head?.value;
	}

	clear() {
		this.#head = undefined;
		this.#tail = undefined;
		this.#size = 0;
	}

	get size() {
		return this.#size;
	}

	* [Symbol.iterator]() {
		let current = this.#head;

		while (current) {
			yield current.value;
			current = current.next;
		}
	}

	* drain() {
		while (this.#head) {
			yield this.dequeue();
		}
	}
}

;// CONCATENATED MODULE: ./node_modules/p-limit/index.js


function pLimit(concurrency) {
	let rejectOnClear = false;

	if (typeof concurrency === 'object') {
		({concurrency, rejectOnClear = false} = concurrency);
	}

	validateConcurrency(concurrency);

	if (typeof rejectOnClear !== 'boolean') {
		throw new TypeError('Expected `rejectOnClear` to be a boolean');
	}

	const queue = new Queue();
	let activeCount = 0;

	const resumeNext = () => {
		// Process the next queued function if we're under the concurrency limit
		if (activeCount < concurrency && queue.size > 0) {
			activeCount++;
			queue.dequeue().run();
		}
	};

	const next = () => {
		activeCount--;
		resumeNext();
	};

	const run = async (function_, resolve, arguments_) => {
		// Execute the function and capture the result promise
		const result = (async () => function_(...arguments_))();

		// Resolve immediately with the promise (don't wait for completion)
		resolve(result);

		// Wait for the function to complete (success or failure)
		// We catch errors here to prevent unhandled rejections,
		// but the original promise rejection is preserved for the caller
		try {
			await result;
		} catch {}

		// Decrement active count and process next queued function
		next();
	};

	const enqueue = (function_, resolve, reject, arguments_) => {
		const queueItem = {reject};

		// Queue the internal resolve function instead of the run function
		// to preserve the asynchronous execution context.
		new Promise(internalResolve => { // eslint-disable-line promise/param-names
			queueItem.run = internalResolve;
			queue.enqueue(queueItem);
		}).then(run.bind(undefined, function_, resolve, arguments_)); // eslint-disable-line promise/prefer-await-to-then

		// Start processing immediately if we haven't reached the concurrency limit
		if (activeCount < concurrency) {
			resumeNext();
		}
	};

	const generator = (function_, ...arguments_) => new Promise((resolve, reject) => {
		enqueue(function_, resolve, reject, arguments_);
	});

	Object.defineProperties(generator, {
		activeCount: {
			get: () => activeCount,
		},
		pendingCount: {
			get: () => queue.size,
		},
		clearQueue: {
			value() {
				if (!rejectOnClear) {
					queue.clear();
					return;
				}

				const abortError = AbortSignal.abort().reason;

				while (queue.size > 0) {
					queue.dequeue().reject(abortError);
				}
			},
		},
		concurrency: {
			get: () => concurrency,

			set(newConcurrency) {
				validateConcurrency(newConcurrency);
				concurrency = newConcurrency;

				queueMicrotask(() => {
					// eslint-disable-next-line no-unmodified-loop-condition
					while (activeCount < concurrency && queue.size > 0) {
						resumeNext();
					}
				});
			},
		},
		map: {
			async value(iterable, function_) {
				const promises = [];

				try {
					Array.from(iterable, (value, index) => {
						const promise = generator(function_, value, index);
						promises.push(promise);
						return promise;
					});
				} catch (error) {
					// The iterable threw, so `Promise.all` never observes the already scheduled promises. Observe them here to avoid unhandled rejections.
					for (const promise of promises) {
						promise.catch(() => {}); // eslint-disable-line promise/prefer-await-to-then
					}

					throw error;
				}

				return Promise.all(promises);
			},
		},
	});

	return generator;
}

function limitFunction(function_, options) {
	const limit = pLimit(options);

	const limitedFunction = (...arguments_) => limit(() => function_(...arguments_));
	Object.defineProperty(limitedFunction, 'clearQueue', {
		value: limit.clearQueue,
	});

	return limitedFunction;
}

function validateConcurrency(concurrency) {
	if (!((Number.isInteger(concurrency) || concurrency === Number.POSITIVE_INFINITY) && concurrency > 0)) {
		throw new TypeError('Expected `concurrency` to be a number from 1 and up');
	}
}

// EXTERNAL MODULE: ./src/io/http.ts + 2 modules
var http = __webpack_require__(35097);
;// CONCATENATED MODULE: ./src/enrich/cvss.ts
/** FIRST's qualitative severity rating scale (identical in v3.0, v3.1 and v4.0). */
function cvssRating(score) {
    if (!(score > 0))
        return 'none';
    if (score < 4)
        return 'low';
    if (score < 7)
        return 'medium';
    if (score < 9)
        return 'high';
    return 'critical';
}
/** The gate's severity for a FIRST band (`none` is shown as `info`). */
function severityOfRating(rating) {
    return rating === 'none' ? 'info' : rating;
}
// Grammar of each version: metric -> allowed values; `base` lists the mandatory ones.
const V3_BASE = { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' };
const V3_OTHER = {
    E: 'XUPFH', RL: 'XOTWU', RC: 'XURC', CR: 'XLMH', IR: 'XLMH', AR: 'XLMH',
    MAV: 'XNALP', MAC: 'XLH', MPR: 'XNLH', MUI: 'XNR', MS: 'XUC', MC: 'XNLH', MI: 'XNLH', MA: 'XNLH',
};
const V4_BASE = {
    AV: 'NALP', AC: 'LH', AT: 'NP', PR: 'NLH', UI: 'NPA', VC: 'HLN', VI: 'HLN', VA: 'HLN', SC: 'HLN', SI: 'HLN', SA: 'HLN',
};
const V4_OTHER = {
    E: 'XAPU', CR: 'XHML', IR: 'XHML', AR: 'XHML',
    MAV: 'XNALP', MAC: 'XLH', MAT: 'XNP', MPR: 'XNLH', MUI: 'XNPA',
    MVC: 'XHLN', MVI: 'XHLN', MVA: 'XHLN', MSC: 'XHLN', MSI: 'XSHLN', MSA: 'XSHLN',
    S: 'XNP', AU: 'XNY', R: 'XAUI', V: 'XDC', RE: 'XLMH', U: ['X', 'Clear', 'Green', 'Amber', 'Red'].join('|'),
};
function allowed(spec, value) {
    return spec.includes('|') ? spec.split('|').includes(value) : value.length === 1 && spec.includes(value);
}
/** Checks a vector against its version's grammar; returns the version or why it is not valid. */
function checkVector(raw) {
    const vector = raw.trim();
    const m = /^CVSS:(3\.0|3\.1|4\.0)\/(.*)$/.exec(vector);
    if (!m) {
        if (/^CVSS:2\.0\//.test(vector) || /^AV:[LAN]\/AC:[HML]\/Au:/.test(vector))
            return { reason: 'CVSS v2 vector (not used: v2 has no FIRST qualitative bands)' };
        return { reason: 'not a CVSS v3.0, v3.1 or v4.0 vector (expected a "CVSS:3.1/..." or "CVSS:4.0/..." prefix)' };
    }
    const version = m[1];
    const base = version === '4.0' ? V4_BASE : V3_BASE;
    const other = version === '4.0' ? V4_OTHER : V3_OTHER;
    const seen = new Set();
    for (const part of (m[2] ?? '').split('/')) {
        const kv = /^([A-Z]{1,3}):([A-Za-z]+)$/.exec(part);
        if (!kv)
            return { reason: `malformed metric ${JSON.stringify(part.slice(0, 20))}` };
        const [, key = '', value = ''] = kv;
        const spec = Object.hasOwn(base, key) ? base[key] : Object.hasOwn(other, key) ? other[key] : undefined;
        if (spec === undefined)
            return { reason: `unknown metric ${key} for CVSS ${version}` };
        if (seen.has(key))
            return { reason: `metric ${key} given twice` };
        if (!allowed(spec, value))
            return { reason: `invalid value ${key}:${value.slice(0, 10)}` };
        seen.add(key);
    }
    const missing = Object.keys(base).filter((k) => !seen.has(k));
    if (missing.length > 0)
        return { reason: `missing base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };
    return { version };
}
/** A scorer bound to the library (pure once loaded). */
function scorerFrom(lib) {
    return (raw) => {
        const vector = raw.trim();
        const checked = checkVector(vector);
        if ('reason' in checked)
            return { ok: false, vector, reason: checked.reason };
        try {
            let score;
            if (checked.version === '4.0')
                score = new lib.Cvss4P0(vector).calculateScores().overall;
            else {
                const cls = checked.version === '3.1' ? lib.Cvss3P1 : lib.Cvss3P0;
                score = new cls(vector).calculateScores().base;
            }
            if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10) {
                return { ok: false, vector, reason: 'the CVSS library gave no score for this vector' };
            }
            return { ok: true, version: checked.version, score, vector, rating: cvssRating(score) };
        }
        catch (e) {
            return { ok: false, vector, reason: `not scorable: ${e.message}`.slice(0, 200) };
        }
    };
}
let loaded;
/** Loads the CVSS library once (lazily: it is only needed when a vector must be scored). */
function loadCvssScorer() {
    loaded ??= __webpack_require__.e(/* import() */ 353).then(__webpack_require__.t.bind(__webpack_require__, 44353, 23)).then((mod) => {
        // A UMD bundle: Node exposes its exports as the default export only.
        const lib = (mod.default ?? mod);
        return scorerFrom(lib);
    });
    return loaded;
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js
var schemas = __webpack_require__(55156);
// EXTERNAL MODULE: ./src/util/escape.ts
var util_escape = __webpack_require__(55421);
;// CONCATENATED MODULE: ./src/enrich/resolution.ts

/**
 * Why a severity stays unknown. `offline`/`off`: no lookup was allowed; `not-found`: no source knows
 * the advisory; `rate-limited`, `timed-out`, `budget` (the overall time budget ran out), `error`
 * (5xx after retries, network, malformed or unexpected response): the source could not answer;
 * `no-severity`: the advisory exists but carries no rating and no usable CVSS vector;
 * `invalid-cvss`: its only CVSS vectors are malformed.
 */
const UNKNOWN_REASONS = (/* unused pure expression or super */ null && (['offline', 'off', 'not-found', 'rate-limited', 'timed-out', 'budget', 'error', 'no-severity', 'invalid-cvss']));
/** `critical`/`high`/`moderate`/`medium`/`low` in any case -> a severity; anything else -> undefined. */
function severityFromWord(word) {
    if (typeof word !== 'string')
        return undefined;
    const w = word.trim().toLowerCase();
    if (w === 'critical' || w === 'high' || w === 'low')
        return w;
    if (w === 'moderate' || w === 'medium')
        return 'medium';
    return undefined;
}
/** The reason an HTTP failure gives. */
function reasonOfHttpError(e) {
    switch (e.kind) {
        case 'not-found':
            return 'not-found';
        case 'rate-limited':
            return 'rate-limited';
        case 'timeout':
            return 'timed-out';
        case 'budget':
            return 'budget';
        default:
            return 'error';
    }
}
function cvssOf(s) {
    return { version: s.version, score: s.score, vector: s.vector };
}
/** Picks the vector to use among several: the newest version that scores (4.0 > 3.1 > 3.0). */
function bestCvss(results) {
    const order = { '4.0': 3, '3.1': 2, '3.0': 1 };
    let best;
    const problems = [];
    for (const r of results) {
        if (!r.ok)
            problems.push(r.reason);
        else if (!best || order[r.version] > order[best.version] || (order[r.version] === order[best.version] && r.score > best.score))
            best = r;
    }
    return { best, problems };
}
const ID_RE = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]{0,100}$/;
const GHSA_RE = /^GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/i;
const CVE_RE = /^CVE-\d{4}-\d{4,}$/i;
/** Canonical spelling of an advisory id (GHSA body lower-case, CVE upper-case), or undefined. */
function canonicalId(raw) {
    if (typeof raw !== 'string')
        return undefined;
    const id = raw.trim();
    if (!ID_RE.test(id))
        return undefined;
    if (GHSA_RE.test(id))
        return `GHSA-${id.slice(5).toLowerCase()}`;
    if (CVE_RE.test(id))
        return id.toUpperCase();
    return id;
}
/** Plain, short text for details: no newlines, bounded length. */
function clip(text, max = 160) {
    const one = text.replace(/\s+/g, ' ').trim();
    return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
/** A failed request as a resolution. Never throws. */
function failure(source, id, e) {
    if (e instanceof http/* HttpError */.j$)
        return { ok: false, reason: reasonOfHttpError(e), detail: clip(`${source} ${id}: ${e.message}`, 200) };
    return { ok: false, reason: 'error', detail: clip(`${source} ${id}: ${e instanceof Error ? e.message : String(e)}`, 200) };
}
/** A response that is JSON but not the documented shape, naming the first place that differs. */
function shapeError(source, id, issues) {
    const first = issues[0];
    const where = first ? `$${first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}` : '$';
    return { ok: false, reason: 'error', detail: clip(`${source} ${id}: unexpected response shape at ${where}`, 200) };
}

;// CONCATENATED MODULE: ./src/enrich/github-advisories.ts
/**
 * GitHub's global security advisories (REST): `GET /advisories/{ghsa_id}` and
 * `GET /advisories?cve_id=...` (a list). Public advisories need no token permissions.
 *
 * Which severity wins: the advisory's own `severity` (GitHub's reviewed rating; `medium` is OSV's
 * `MODERATE`). Its CVSS (`cvss_severities.cvss_v4`, else `cvss_v3`, else the legacy `cvss`) is recorded
 * beside it for the reader. Only when `severity` is absent or `unknown` is a CVSS vector scored
 * (newest version first) to give the band.
 */




const cvssEntry = () => schemas.object({
    vector_string: schemas.string().nullish(),
    score: schemas.number().nullish(),
})
    .nullish();
/** The fields of a global advisory that the gate reads (others are ignored). */
// Built on first use (z.lazy): most runs look nothing up, and zod schemas are costly to construct.
const globalAdvisorySchema = schemas.lazy(() => schemas.object({
    ghsa_id: schemas.string(),
    cve_id: schemas.string().nullish(),
    html_url: schemas.string().nullish(),
    type: schemas.string().nullish(),
    severity: schemas.string().nullish(),
    withdrawn_at: schemas.string().nullish(),
    identifiers: schemas.array(schemas.object({ type: schemas.string(), value: schemas.string() })).nullish(),
    cvss: cvssEntry(),
    cvss_severities: schemas.object({ cvss_v3: cvssEntry(), cvss_v4: cvssEntry() }).nullish(),
    vulnerabilities: schemas.array(schemas.object({ package: schemas.object({ ecosystem: schemas.string().nullish(), name: schemas.string().nullish() }).nullish() }))
        .nullish(),
}));
const GITHUB_HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
const githubHeaders = () => ({ ...GITHUB_HEADERS });
/** The CVSS GitHub shows, newest version first: [version-ish, vector, score]. */
function githubCvssEntries(a) {
    const out = [];
    for (const e of [a.cvss_severities?.cvss_v4, a.cvss_severities?.cvss_v3, a.cvss]) {
        if (e?.vector_string && !out.some((o) => o.vector === e.vector_string))
            out.push({ vector: e.vector_string, score: e.score ?? undefined });
    }
    return out;
}
/** Pure: a severity from one advisory object. `score` is only called when GitHub gives no rating. */
async function resolveFromGithubAdvisory(a, getScorer) {
    const ghsa = a.ghsa_id;
    const rating = severityFromWord(a.severity);
    const entries = githubCvssEntries(a);
    const withdrawn = a.withdrawn_at ? ` (withdrawn ${clip(a.withdrawn_at, 30)})` : '';
    if (rating) {
        // Record GitHub's own CVSS figure beside the rating (the newest version it gives).
        const first = entries[0];
        const versionOf = (v) => /^CVSS:(\d\.\d)\//.exec(v)?.[1];
        const cvss = first && versionOf(first.vector) && typeof first.score === 'number' ? { version: versionOf(first.vector), score: first.score, vector: first.vector } : undefined;
        return {
            ok: true,
            severity: rating,
            source: {
                kind: 'github',
                advisory: ghsa,
                ...(cvss ? { cvss } : {}),
                detail: clip(`GitHub advisory ${ghsa}${a.type ? ` (${a.type})` : ''}: severity ${a.severity}${cvss ? `; CVSS ${cvss.version} ${cvss.score} ${cvss.vector}` : ''}${withdrawn}`, 240),
            },
        };
    }
    if (entries.length > 0) {
        const scorer = await getScorer();
        const { best, problems } = bestCvss(entries.map((e) => scorer(e.vector)));
        if (best) {
            return {
                ok: true,
                severity: severityOfRating(best.rating),
                source: {
                    kind: 'github',
                    advisory: ghsa,
                    cvss: cvssOf(best),
                    detail: clip(`GitHub advisory ${ghsa}: no rating (severity ${JSON.stringify(clip(a.severity ?? 'absent', 20))}); CVSS ${best.version} ${best.score} ${best.vector} scored as ${best.rating}${withdrawn}`, 240),
                },
            };
        }
        return { ok: false, reason: 'invalid-cvss', detail: clip(`GitHub advisory ${ghsa}: no rating and no valid CVSS vector (${problems.join('; ')})`, 240) };
    }
    return { ok: false, reason: 'no-severity', detail: clip(`GitHub advisory ${ghsa}: severity ${JSON.stringify(clip(a.severity ?? 'absent', 20))} and no CVSS`, 200) };
}
/** `GET /advisories/{ghsa_id}`. Never throws. */
async function lookupGhsa(client, ghsaId, getScorer) {
    try {
        const r = await client.getJson(`/advisories/${(0,util_escape/* encodeUriComponentSafe */.$O)(ghsaId)}`);
        const parsed = globalAdvisorySchema.safeParse(r.data);
        if (!parsed.success)
            return shapeError('GitHub', ghsaId, parsed.error.issues);
        return await resolveFromGithubAdvisory(parsed.data, getScorer);
    }
    catch (e) {
        return failure('GitHub', ghsaId, e);
    }
}
/**
 * `GET /advisories?cve_id=...`. Several advisories may share a CVE (one per ecosystem): the one for
 * the PyPI package wins (`pip` ecosystem and the package name), else the most severe (fail closed).
 */
async function lookupCve(client, cveId, packageName, getScorer) {
    try {
        const r = await client.getJson('/advisories', { cve_id: cveId, per_page: 100 });
        const parsed = schemas.array(globalAdvisorySchema).safeParse(r.data);
        if (!parsed.success)
            return shapeError('GitHub', cveId, parsed.error.issues);
        const list = parsed.data;
        if (list.length === 0)
            return { ok: false, reason: 'not-found', detail: `GitHub ${cveId}: no global advisory lists this CVE` };
        const norm = (s) => (s ?? '').toLowerCase().replace(/[-_.]+/g, '-');
        const isPip = (a) => (a.vulnerabilities ?? []).some((v) => norm(v.package?.ecosystem) === 'pip' && (!packageName || norm(v.package?.name) === norm(packageName)));
        const preferred = list.filter(isPip);
        const candidates = (preferred.length > 0 ? preferred : list).slice().sort((x, y) => (x.ghsa_id < y.ghsa_id ? -1 : x.ghsa_id > y.ghsa_id ? 1 : 0));
        const results = await Promise.all(candidates.map((a) => resolveFromGithubAdvisory(a, getScorer)));
        const rank = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
        let best;
        for (const res of results) {
            if (res.ok && (!best || !best.ok || rank[res.severity] > rank[best.severity]))
                best = res;
            else if (!best)
                best = res;
        }
        const out = best;
        if (out.ok)
            out.source.detail = clip(`${out.source.detail} (found by ${cveId})`, 260);
        return out;
    }
    catch (e) {
        return failure('GitHub', cveId, e);
    }
}

;// CONCATENATED MODULE: ./src/enrich/osv.ts
/**
 * OSV (`GET /v1/vulns/{id}`, https://api.osv.dev): the fallback for what GitHub cannot answer, and the
 * only source for `PYSEC-*` ids that come without aliases.
 *
 * Which severity wins, in order:
 *   1. the database's own word: top-level `database_specific.severity` (GitHub-sourced records:
 *      `LOW`, `MODERATE`, `HIGH`, `CRITICAL`), then the same field (or `ecosystem_specific.severity`)
 *      of the `affected[]` entry for this package;
 *   2. else the CVSS vectors of `severity[]` (top level, then the package's `affected[].severity[]`),
 *      `CVSS_V3`/`CVSS_V4` only, scored by the library; the newest version that scores wins
 *      (v4.0 > v3.1 > v3.0: FIRST's current version, and the one the database added last).
 * `CVSS_V2` vectors are not used (v2 has no FIRST qualitative scale). When a rating is used, the best
 * valid vector is still recorded beside it.
 */




const severityEntry = schemas.object({ type: schemas.string(), score: schemas.string() });
// Built on first use (z.lazy): most runs look nothing up, and zod schemas are costly to construct.
const osvVulnSchema = schemas.lazy(() => schemas.object({
    id: schemas.string(),
    aliases: schemas.array(schemas.string()).nullish(),
    withdrawn: schemas.string().nullish(),
    severity: schemas.array(schemas.unknown()).nullish(),
    database_specific: schemas.unknown().optional(),
    affected: schemas.array(schemas.object({
        package: schemas.object({ ecosystem: schemas.string().nullish(), name: schemas.string().nullish() }).nullish(),
        severity: schemas.array(schemas.unknown()).nullish(),
        database_specific: schemas.unknown().optional(),
        ecosystem_specific: schemas.unknown().optional(),
    }))
        .nullish(),
}));
/** `obj[key]` only when `obj` is a plain object that owns `key` (no prototype lookups). */
function own(obj, key) {
    return obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined;
}
const normName = (s) => (s ?? '').toLowerCase().replace(/[-_.]+/g, '-');
function vectorsOf(list) {
    const vectors = [];
    let v2 = 0;
    for (const raw of list ?? []) {
        const e = severityEntry.safeParse(raw);
        if (!e.success)
            continue;
        if (e.data.type === 'CVSS_V3' || e.data.type === 'CVSS_V4')
            vectors.push(e.data.score);
        else if (e.data.type === 'CVSS_V2')
            v2++;
    }
    return { vectors, v2 };
}
/** Pure: a severity from one OSV record (`packageName` picks the matching `affected[]` entries). */
async function resolveFromOsvRecord(v, packageName, getScorer) {
    const id = v.id;
    // Only well-formed ids are kept: they may be followed (step 3) and are shown in details.
    const aliases = (v.aliases ?? []).map(canonicalId).filter((x) => x !== undefined);
    const affected = v.affected ?? [];
    const mine = affected.filter((a) => packageName !== undefined && normName(a.package?.name) === normName(packageName));
    const pkgEntries = mine.length > 0 ? mine : affected;
    const top = vectorsOf(v.severity);
    const perPkg = pkgEntries.map((a) => vectorsOf(a.severity));
    const allVectors = [...new Set([...top.vectors, ...perPkg.flatMap((p) => p.vectors)])];
    const v2 = top.v2 + perPkg.reduce((n, p) => n + p.v2, 0);
    let scorer;
    const score = async () => {
        if (allVectors.length === 0)
            return { best: undefined, problems: [] };
        scorer ??= await getScorer();
        const s = scorer;
        return bestCvss(allVectors.map((x) => s(x)));
    };
    // 1. The database's word.
    const words = [{ word: own(v.database_specific, 'severity'), where: 'database_specific.severity' }];
    for (const a of pkgEntries) {
        words.push({ word: own(a.database_specific, 'severity'), where: 'affected[].database_specific.severity' });
        words.push({ word: own(a.ecosystem_specific, 'severity'), where: 'affected[].ecosystem_specific.severity' });
    }
    for (const { word, where } of words) {
        const sev = severityFromWord(word);
        if (!sev)
            continue;
        const { best } = await score();
        return {
            ok: true,
            severity: sev,
            source: {
                kind: 'osv',
                advisory: id,
                ...(best ? { cvss: cvssOf(best) } : {}),
                detail: clip(`OSV ${id}: ${where} ${JSON.stringify(String(word))}${best ? `; CVSS ${best.version} ${best.score} ${best.vector}` : ''}`, 240),
            },
        };
    }
    // 2. The newest CVSS vector that scores.
    const { best, problems } = await score();
    if (best) {
        return {
            ok: true,
            severity: severityOfRating(best.rating),
            source: {
                kind: 'osv',
                advisory: id,
                cvss: cvssOf(best),
                detail: clip(`OSV ${id}: CVSS ${best.version} base score ${best.score} (${best.rating}) ${best.vector}`, 240),
            },
        };
    }
    if (problems.length > 0) {
        return { ok: false, reason: 'invalid-cvss', detail: clip(`OSV ${id}: no rating and no valid CVSS vector (${problems.join('; ')})`, 240), aliases };
    }
    return {
        ok: false,
        reason: 'no-severity',
        detail: clip(`OSV ${id}: no severity${v2 > 0 ? ' (only a CVSS v2 vector)' : ''}${aliases.length > 0 ? `; aliases ${aliases.join(', ')}` : ''}`, 240),
        aliases,
    };
}
/** `GET /v1/vulns/{id}`. Never throws. */
async function lookupOsv(client, id, packageName, getScorer) {
    try {
        const r = await client.getJson(`/v1/vulns/${(0,util_escape/* encodeUriComponentSafe */.$O)(id)}`);
        const parsed = osvVulnSchema.safeParse(r.data);
        if (!parsed.success)
            return shapeError('OSV', id, parsed.error.issues);
        return await resolveFromOsvRecord(parsed.data, packageName, getScorer);
    }
    catch (e) {
        return failure('OSV', id, e);
    }
}

;// CONCATENATED MODULE: ./src/enrich/severity.ts
/**
 * Severity for pip-audit findings, whose JSON has none (pypa/pip-audit #207, #654): looked up in
 * GitHub's global advisories first, then OSV for what is left (`severity-source`).
 *
 * How it works, so a run is polite and its result does not depend on request order:
 *   - Advisories: a finding's id and its aliases (as pip-audit reported them) name one advisory;
 *     ids that appear together on any finding are merged, transitively (union-find, ids compared
 *     case-insensitively). Each merged advisory is resolved once, whichever packages list it.
 *     Aliases learned from API answers never merge advisories; they are only followed (step 3).
 *   - Step 1, all advisories at once: GitHub when the advisory has a GHSA id
 *     (`GET /advisories/{ghsa}`) or else a CVE (`GET /advisories?cve_id=`); OSV when it has neither
 *     (a `PYSEC-*` without aliases) or GitHub is not a source.
 *   - Step 2, right after that advisory's GitHub answer: OSV (`GET /v1/vulns/{id}`, preferring
 *     GHSA > PYSEC > other > CVE ids) for what GitHub could not answer (404, no rating, errors).
 *   - Step 3: an OSV record found without a severity (typical for PYSEC) is followed once through
 *     its GHSA (or CVE) alias: answered from step 1-2 results when another advisory already has
 *     that id, else asked (GitHub, or OSV when GitHub is not a source).
 *   - Every distinct URL is requested at most once per run (memoised); requests run with bounded
 *     concurrency per API (default 8), a timeout each, retries with backoff on 5xx and rate limits
 *     (the shared client in `src/io/http.ts`), and an overall budget after which what is left stays
 *     unknown (`budget`). Once GitHub answers "rate limited" after its retries, later GitHub
 *     lookups are not sent (they go to OSV).
 *   - Nothing here throws for network or API problems: every advisory ends resolved, or unknown with
 *     a reason (see `UNKNOWN_REASONS`) and a detail naming each source's answer.
 */






const SEVERITY_SOURCES = (/* unused pure expression or super */ null && (['github,osv', 'github', 'osv', 'off']));
const DEFAULT_OSV_API_URL = 'https://api.osv.dev';
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_BUDGET_MS = 30_000;
// ---------------------------------------------------------------------------------------------
// Ids and alias merging (pure).
const keyOf = (id) => id.toUpperCase();
const isGhsa = (id) => GHSA_RE.test(id);
const isCve = (id) => CVE_RE.test(id);

/** Groups the findings' advisory ids (id + aliases, transitively). Deterministic. */
function groupAdvisories(findings, indices) {
    const parent = new Map();
    const find = (k) => {
        let r = k;
        while (parent.get(r) !== r)
            r = parent.get(r);
        let c = k;
        while (c !== r) {
            const n = parent.get(c);
            parent.set(c, r);
            c = n;
        }
        return r;
    };
    const spelling = new Map();
    const idsOf = new Map();
    const noId = [];
    for (const i of indices) {
        const f = findings[i];
        const ids = [f.ruleId, ...(Array.isArray(f.aliases) ? f.aliases : [])].map(canonicalId).filter((x) => x !== undefined);
        if (ids.length === 0) {
            noId.push(i);
            continue;
        }
        idsOf.set(i, ids);
        for (const id of ids) {
            const k = keyOf(id);
            if (!parent.has(k))
                parent.set(k, k);
            if (!spelling.has(k))
                spelling.set(k, id);
        }
        const first = keyOf(ids[0]);
        for (const id of ids.slice(1)) {
            const a = find(first);
            const b = find(keyOf(id));
            if (a !== b)
                parent.set(a < b ? b : a, a < b ? a : b);
        }
    }
    const byRoot = new Map();
    for (const i of indices) {
        const ids = idsOf.get(i);
        if (!ids)
            continue;
        const root = find(keyOf(ids[0]));
        let g = byRoot.get(root);
        if (!g) {
            g = { ids: [], findings: [], packageName: findings[i].package?.name };
            byRoot.set(root, g);
        }
        g.findings.push(i);
    }
    for (const [k] of parent) {
        const g = byRoot.get(find(k));
        if (g)
            g.ids.push(spelling.get(k));
    }
    const groups = [...byRoot.values()];
    for (const g of groups)
        g.ids.sort();
    groups.sort((a, b) => (a.ids[0] < b.ids[0] ? -1 : a.ids[0] > b.ids[0] ? 1 : 0));
    return { groups, noId };
}
/** The id OSV is asked about: GHSA (richest records) > PYSEC > any other > CVE. */
function osvIdFor(ids) {
    return ids.find(isGhsa) ?? ids.find((i) => /^PYSEC-/i.test(i)) ?? ids.find((i) => !isCve(i)) ?? ids.find(isCve);
}
/** Combines failed answers: a source that could not answer outranks "no rating", which outranks "not found". */
function combineUnresolved(attempts) {
    const order = ['rate-limited', 'timed-out', 'budget', 'error', 'invalid-cvss', 'no-severity', 'not-found'];
    const pick = order.map((r) => attempts.find((a) => a.reason === r)).find((a) => a !== undefined) ?? attempts[0];
    if (!pick)
        return { ok: false, reason: 'error', detail: 'no source was asked' };
    return { ok: false, reason: pick.reason, detail: clip(attempts.map((a) => a.detail).join('; '), 400) };
}
function limitedApi(client, concurrency, gate, onError) {
    const limit = pLimit(Math.max(1, concurrency));
    const memo = new Map();
    const get = ((path, query) => {
        const q = Object.entries(query ?? {})
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, v]) => `${k}=${String(v)}`)
            .join('&');
        const key = `${path}?${q}`;
        let p = memo.get(key);
        if (!p) {
            p = limit(async () => {
                const blocked = gate?.();
                if (blocked)
                    throw blocked;
                try {
                    return await client.getJson(path, query);
                }
                catch (e) {
                    onError?.(e);
                    throw e;
                }
            });
            memo.set(key, p);
        }
        return p;
    });
    // The lookups only call getJson; requestCount is read from the real client.
    const view = { getJson: get, sendJson: client.sendJson, getBytes: client.getBytes, get requestCount() { return client.requestCount; } };
    return { client: view, get };
}
function unknownFinding(f, reason, detail) {
    const src = { kind: 'none', unknownReason: reason, detail };
    return { ...f, severity: 'unknown', severitySource: src };
}
function resolvedFinding(f, r) {
    return { ...f, severity: r.severity, severitySource: { ...r.source, ...(r.source.cvss ? { cvss: { ...r.source.cvss } } : {}) } };
}
/**
 * Returns new findings: pip-audit findings whose severity is `unknown` get a severity and its source,
 * or stay `unknown` with a reason; every other finding is passed through as is. Never throws for
 * network or API problems.
 */
async function resolveSeverities(findings, opts) {
    const now = opts.now ?? Date.now;
    const start = now();
    const log = opts.log ?? (() => undefined);
    const todo = findings.map((f, i) => (f.tool === 'pip-audit' && f.severity === 'unknown' ? i : -1)).filter((i) => i >= 0);
    const out = findings.slice();
    const stats = { requests: 0, advisories: 0, resolved: 0, unknown: 0, byReason: {}, bySource: { github: 0, osv: 0 }, findings: todo.length, wallMs: 0 };
    if (todo.length === 0)
        return { findings: out, stats };
    const { groups, noId } = groupAdvisories(findings, todo);
    stats.advisories = groups.length;
    for (const i of noId)
        out[i] = unknownFinding(findings[i], 'error', 'no advisory id in the report');
    const useGithub = opts.source === 'github,osv' || opts.source === 'github';
    const useOsv = opts.source === 'github,osv' || opts.source === 'osv';
    const finish = (results) => {
        groups.forEach((g, gi) => {
            const r = results[gi];
            if (r.ok) {
                stats.resolved++;
                stats.bySource[r.source.kind]++;
            }
            else {
                stats.unknown++;
                stats.byReason[r.reason] = (stats.byReason[r.reason] ?? 0) + 1;
            }
            for (const i of g.findings)
                out[i] = r.ok ? resolvedFinding(findings[i], r) : unknownFinding(findings[i], r.reason, r.detail);
        });
        stats.wallMs = Math.max(0, now() - start);
        const reasons = Object.entries(stats.byReason).map(([k, v]) => `${k} ${v}`).join(', ');
        log(`pip-audit severities: ${stats.advisories} advisories, ${stats.resolved} resolved (GitHub ${stats.bySource.github}, OSV ${stats.bySource.osv}), ` +
            `${stats.unknown} unknown${reasons ? ` (${reasons})` : ''}; ${stats.requests} requests in ${stats.wallMs} ms`);
        return { findings: out, stats };
    };
    if (opts.offline || opts.source === 'off') {
        const reason = opts.source === 'off' ? 'off' : 'offline';
        const detail = reason === 'off' ? 'severity-source is off: no lookup made' : 'no lookup made (offline run)';
        return finish(groups.map(() => ({ ok: false, reason, detail })));
    }
    const deadline = start + (opts.budgetMs ?? DEFAULT_BUDGET_MS);
    const common = {
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        deadline,
        now,
        ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
        ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
        ...(opts.maxRetryWaitMs !== undefined ? { maxRetryWaitMs: opts.maxRetryWaitMs } : {}),
    };
    const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    let githubRateLimited = false;
    const gh = limitedApi((0,http/* createHttpClient */.uT)({ ...common, baseUrl: opts.githubApiUrl, ...(opts.githubToken ? { token: opts.githubToken } : {}), headers: githubHeaders() }), concurrency, () => (githubRateLimited ? new http/* HttpError */.j$('rate-limited', 'rate limited earlier in this run; not asked') : undefined), (e) => {
        if (e instanceof http/* HttpError */.j$ && e.kind === 'rate-limited')
            githubRateLimited = true;
    });
    const osv = limitedApi((0,http/* createHttpClient */.uT)({ ...common, baseUrl: opts.osvApiUrl ?? DEFAULT_OSV_API_URL }), concurrency);
    const getScorer = loadCvssScorer;
    const askGithub = (id, pkg) => (isGhsa(id) ? lookupGhsa(gh.client, id, getScorer) : lookupCve(gh.client, id, pkg, getScorer));
    const askOsv = (id, pkg) => lookupOsv(osv.client, id, pkg, getScorer);
    try {
        const attempts = groups.map(() => []);
        const results = groups.map(() => undefined);
        const ghId = (g) => (useGithub ? (g.ids.find(isGhsa) ?? g.ids.find(isCve)) : undefined);
        const record = (gi, r) => {
            if (r.ok)
                results[gi] = r;
            else
                attempts[gi].push(r);
        };
        // Steps 1 and 2, every advisory at once (bounded per API): its first source, then OSV for what
        // GitHub could not answer. Each advisory's chain depends only on its own answers.
        await Promise.all(groups.map(async (g, gi) => {
            const id = ghId(g);
            if (id)
                record(gi, await askGithub(id, g.packageName));
            else if (!useOsv)
                record(gi, { ok: false, reason: 'not-found', detail: `GitHub: no GHSA or CVE id to look up (${g.ids.join(', ')}; severity-source: github)` });
            if (results[gi] || !useOsv)
                return;
            const oid = osvIdFor(g.ids);
            if (oid)
                record(gi, await askOsv(oid, g.packageName));
        }));
        // Step 3 (after all of the above, so the answer does not depend on timing): follow an OSV record
        // without severity through its GHSA/CVE alias, once.
        const owner = new Map();
        groups.forEach((g, gi) => g.ids.forEach((id) => owner.set(keyOf(id), gi)));
        const snapshot = results.slice();
        await Promise.all(groups.map(async (g, gi) => {
            if (results[gi])
                return;
            const learned = attempts[gi].flatMap((a) => (a.reason === 'no-severity' || a.reason === 'invalid-cvss' ? (a.aliases ?? []) : []))
                .map(canonicalId)
                .filter((x) => x !== undefined && !g.ids.some((id) => keyOf(id) === keyOf(x)))
                .sort();
            const next = learned.find(isGhsa) ?? (useGithub ? learned.find(isCve) : undefined);
            if (!next)
                return;
            const other = owner.get(keyOf(next));
            const known = other !== undefined ? snapshot[other] : undefined;
            if (known?.ok) {
                results[gi] = { ...known, source: { ...known.source, detail: clip(`${known.source.detail} (via alias ${next})`, 260) } };
                return;
            }
            if (other !== undefined)
                return; // already asked under that advisory, without an answer
            const r = useGithub ? await askGithub(next, g.packageName) : await askOsv(next, g.packageName);
            if (r.ok)
                results[gi] = { ...r, source: { ...r.source, detail: clip(`${r.source.detail} (via alias of ${g.ids.join(', ')})`, 260) } };
            else
                attempts[gi].push(r);
        }));
        stats.requests = gh.client.requestCount + osv.client.requestCount;
        return finish(results.map((r, gi) => r ?? combineUnresolved(attempts[gi])));
    }
    catch (e) {
        // Defensive: a bug here must not crash the gate nor let an unknown pass silently.
        stats.requests = gh.client.requestCount + osv.client.requestCount;
        const detail = clip(`severity lookup failed: ${e instanceof Error ? e.message : String(e)}`, 200);
        return finish(groups.map(() => ({ ok: false, reason: 'error', detail })));
    }
}
/**
 * The same over parsed reports: one lookup for all of them (an advisory listed in several reports is
 * asked once), new reports returned in the same order. Reports of other tools are returned as is.
 */
async function resolveReportSeverities(reports, opts) {
    const all = reports.flatMap((r) => r.findings);
    const { findings, stats } = await resolveSeverities(all, opts);
    let at = 0;
    const out = reports.map((r) => {
        const mine = findings.slice(at, at + r.findings.length);
        at += r.findings.length;
        return r.tool === 'pip-audit' ? { ...r, findings: mine } : r;
    });
    return { reports: out, stats };
}
/**
 * A gate notice when some pip-audit severities stayed unknown, e.g.
 * "pip-audit: 3 of 15 advisories have no known severity (rate-limited 2, timed-out 1): treated as high (unknown-severity)".
 * Undefined when every advisory was resolved.
 */
function severityNotice(stats, unknownSeverity) {
    if (stats.unknown === 0)
        return undefined;
    const reasons = Object.entries(stats.byReason)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    return `pip-audit: ${stats.unknown} of ${stats.advisories} advisories have no known severity (${reasons}): treated as ${unknownSeverity} (unknown-severity)`;
}
/**
 * One line for the summary / terminal / result consumers saying where a pip-audit severity came from
 * (or why it is unknown), e.g. `high (GitHub GHSA-abcd-1234-efgh; CVSS 3.1 7.6 CVSS:3.1/AV:N/...)`,
 * `critical (OSV PYSEC-2020-173; CVSS 3.1 9.8 CVSS:3.1/...)`, `unknown (rate-limited: GitHub ...)`.
 * Untrusted text inside: renderers escape it like any other finding text.
 */
function describeSeverity(f) {
    const s = f.severitySource;
    if (!s)
        return f.severity;
    if (s.kind === 'github' || s.kind === 'osv') {
        const where = `${s.kind === 'github' ? 'GitHub' : 'OSV'}${s.advisory ? ` ${s.advisory}` : ''}`;
        const cvss = s.cvss ? `; CVSS ${s.cvss.version} ${s.cvss.score} ${s.cvss.vector}` : '';
        return `${f.severity} (${where}${cvss})`;
    }
    if (s.kind === 'none' && f.severity === 'unknown')
        return `unknown (${s.unknownReason ?? 'no reason given'}${s.detail ? `: ${s.detail}` : ''})`;
    return f.severity;
}


/***/ })

};
