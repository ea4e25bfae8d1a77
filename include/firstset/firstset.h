/*
 * firstset.h - the C ABI of libfirstset, ABI major version 1.
 *
 * firstset applies China's first-set equipment policy (首台（套）重大技术装备) inside tender
 * evaluation software: it checks a bid's first-set certificates against a registry and says,
 * criterion by criterion, which market-share and track-record criteria are deemed met
 * (渝经信规范〔2024〕9号, clause （四）), and why, in Chinese and English.
 *
 * Conventions of this interface (read these once; every function follows them):
 *
 *  1. Documents in and out are UTF-8 JSON text. Their schemas ship in the source tree's
 *     schemas/ folder and are compiled into the library; docs/abi.md describes every field.
 *  2. Every function that can fail returns an int status (FIRSTSET_OK = 0, see the table
 *     below) and never lets a C++ exception escape.
 *  3. Out-parameters come last. A string returned through an out-parameter is owned by the
 *     caller and must be released with firstset_free(), from any thread. On success the
 *     out string is the response document; on any non-zero status it is an error document:
 *       {"error": {"status": "SCHEMA", "code": "SCHEMA_PATTERN", "message": "...",
 *                  "message_zh": "...", "path": "/bid/offers/0/manufacturer/uscc"}}
 *     where "path" is a JSON Pointer into the input (or "file" and "line" for a file).
 *  4. A NULL out-parameter gives FIRSTSET_ARGUMENT and writes nothing. A NULL input gives
 *     FIRSTSET_ARGUMENT with an error document.
 *  5. firstset_engine is opaque. An engine is safe for concurrent calls from many threads
 *     without external synchronisation. Before ABI 1.5 firstset_close() must not race with
 *     any other call on the same engine; since 1.5 the library checks handles (see the end of
 *     this file).
 *  6. The ABI only grows: functions are added at the end, never changed or removed within
 *     a major version. Check firstset_abi_version() >> 16 == FIRSTSET_ABI_MAJOR at load.
 *
 * Threading tags: [thread-safe] may be called from any thread at any time;
 * [engine-exclusive] must not overlap any other call on the same engine.
 */
#ifndef FIRSTSET_FIRSTSET_H
#define FIRSTSET_FIRSTSET_H

#include <stddef.h>
#include <stdint.h>

/* The library is built for Linux with GCC or Clang (docs/abi.md); other compilers see plain
 * declarations. */
#if defined(__GNUC__)
#  define FIRSTSET_API __attribute__((visibility("default")))
#else
#  define FIRSTSET_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define FIRSTSET_ABI_MAJOR 1
#define FIRSTSET_ABI_MINOR 6

/* Status codes. The error document's "status" field carries the name in capitals. (The tag
 * was `enum firstset_status` before ABI 1.4, the same name as the function firstset_status();
 * the constants and their values are unchanged.) */
enum firstset_status_code {
    FIRSTSET_OK = 0,
    FIRSTSET_ARGUMENT = 1,   /* NULL or unusable argument */
    FIRSTSET_PARSE = 2,      /* input is not well-formed JSON (or YAML, for files) */
    FIRSTSET_SCHEMA = 3,     /* well-formed, but violates the schema; "path" says where */
    FIRSTSET_CONFIG = 4,     /* configuration, policy pack or registry unusable */
    FIRSTSET_IO = 5,         /* file or network failure */
    FIRSTSET_INTEGRITY = 6,  /* a ledger or signed document fails verification */
    FIRSTSET_NOT_FOUND = 7,  /* a referenced record does not exist */
    FIRSTSET_LIMIT = 8,      /* input over a documented size or depth limit */
    FIRSTSET_INTERNAL = 99   /* a bug; the message says so */
};

/* Input limits (docs/abi.md): a request larger than FIRSTSET_MAX_REQUEST_BYTES or nested
 * deeper than FIRSTSET_MAX_DEPTH is refused with FIRSTSET_LIMIT before it is parsed. */
#define FIRSTSET_MAX_REQUEST_BYTES (4u * 1024u * 1024u)
#define FIRSTSET_MAX_DEPTH 32u

typedef struct firstset_engine firstset_engine;

/* (FIRSTSET_ABI_MAJOR << 16) | FIRSTSET_ABI_MINOR of the loaded library. [thread-safe] */
FIRSTSET_API uint32_t firstset_abi_version(void);

/* The library's version, e.g. "0.1.0". Static storage: do not free. [thread-safe] */
FIRSTSET_API const char* firstset_version(void);

/* Opens an engine from a YAML configuration file (policy pack, certificate registry, log).
 * Relative paths in it are relative to the file's folder.
 * On success: *engine is set, *error_json is set to NULL, returns FIRSTSET_OK.
 * On failure: *engine is NULL and *error_json is an error document naming the file, line
 * and JSON Pointer at fault (CONFIG, PARSE, SCHEMA, IO).
 * REQUIRES: engine and error_json are not NULL. [thread-safe] */
FIRSTSET_API int firstset_open(const char* config_path, firstset_engine** engine,
                               char** error_json);

/* Closes an engine and frees everything it holds. NULL is a no-op. [engine-exclusive] before
 * ABI 1.5; since 1.5 it waits for calls running on the engine, and a closed or foreign handle
 * is a no-op. */
FIRSTSET_API void firstset_close(firstset_engine* engine);

/* Applies rules C, D and E of the policy pack to one bid of one tender.
 * request_json: {"tender": Tender, "bid": Bid} (schemas/evaluate-request.schema.json).
 * *response_json: the outcome per certificate and per criterion, with reasons in Chinese
 * and English and the clause each rests on (schemas/evaluate-response.schema.json).
 * [thread-safe] */
FIRSTSET_API int firstset_evaluate(firstset_engine* engine, const char* request_json,
                                   char** response_json);

/* Releases a string returned by this library. NULL is a no-op. [thread-safe] */
FIRSTSET_API void firstset_free(char* json);

/* ---- ABI 1.1: the tolerance-of-failure decision log (docs/ledger-format.md) ---- */

/* Appends one record to the engine's ledger: an award, a failure report or a tolerance
 * decision (schemas/record-request.schema.json). The record is on disk (fdatasync) when the
 * call returns; concurrent calls share one sync. *response_json: {"record": {"id", "seq",
 * "kind"}, ...}: for an award its assessment (clause （六）: conditions, procedures and
 * standards as of the award date), for a tolerance decision the proposal exempt | not_exempt |
 * review with its reasons. NOT_FOUND when a referenced record does not exist; CONFIG when the
 * configuration names no ledger; IO after a failed write or sync (then every later call too,
 * until the engine is reopened). A record is never rewritten or removed. [thread-safe] */
FIRSTSET_API int firstset_record(firstset_engine* engine, const char* record_json, char** response_json);

/* Verifies a ledger file, needing no engine: {"ledger": "path", "expected_head": {"seq", "id"}}
 * (expected_head optional). *response_json: {"ok", "records", "head", "first_bad_seq",
 * "problems"}. Any change, insertion, deletion or reordering before the head is found; a cut
 * tail is found when expected_head is given. Status 0 when the file could be read (then "ok"
 * is the verdict), IO when it could not. [thread-safe] */
FIRSTSET_API int firstset_verify(const char* request_json, char** response_json);

/* ---- ABI 1.2: the evaluation-method audit (rule L) ---- */

/* Audits a tender's evaluation method for discriminatory criteria before it is published:
 * criteria on market share or track record without the first-set equivalence, track record
 * restricted to a region, industry, brand or customer, years in service or units sold, scale
 * conditions, scores by market share, too many points on either, missing statements a policy
 * requires. tender_json: a Tender (schemas/lint-request.schema.json); the engine chooses the
 * policy pack for it (its jurisdiction and purchaser ownership). *response_json: {"tender",
 * "policy", "findings": [{"criterion", "severity", "code", "message_zh", "message_en",
 * "clause", "path", "matched"}], "passed", "errors", "warnings"} (schemas/lint-response.schema.json);
 * "passed" is false when any finding is an error. CONFIG when no configured pack is for the
 * tender or the pack has no lint section. [thread-safe] */
FIRSTSET_API int firstset_lint(firstset_engine* engine, const char* tender_json, char** response_json);

/* ---- ABI 1.3: beyond one machine (docs/operations.md) ---- */

/* The engine's state for monitoring: *status_json = {"registry": {"id", "version", "sha256",
 * "certificates", "source": null | {"url", "etag", "checked_at", "published", "age_seconds",
 * "stale", "refused", "fetches", "not_modified", "updates", "failures", "last_error"}}, "ledger": null |
 * {"path", "node", "records", "head", "checkpoint": null | {"file", "origin", "size", "head_id",
 * "key"}, "shipping": null | {"url", "shipped_records", "pending_records", "shipped_batches",
 * "failures", "consecutive_failures", "last_error", "last_success"}}}. Never waits on the
 * network. firstset_verify since 1.3 also takes "checkpoint" (a path) and "public_key" (a
 * signed-note verifier key) and checks the ledger against the signed checkpoint; since 1.4 also
 * "origin", the log the checkpoint must name (default: the key's name). [thread-safe] */
FIRSTSET_API int firstset_status(firstset_engine* engine, char** status_json);


/* ---- ABI 1.5: for bindings (docs/bindings.md) ---- */

/* The same calls with the document given as a pointer and a length in bytes, so that no caller
 * depends on a terminating NUL (a Java byte[], a .NET byte[], a Python bytes object). The text
 * must not contain a NUL byte (PARSE). data may be NULL only when size is 0 (an empty document:
 * PARSE); NULL with size > 0 gives ARGUMENT. More than FIRSTSET_MAX_REQUEST_BYTES gives LIMIT
 * without a byte being read. [thread-safe] */
FIRSTSET_API int firstset_evaluate_n(firstset_engine* engine, const char* request_json, size_t size,
                                     char** response_json);
FIRSTSET_API int firstset_lint_n(firstset_engine* engine, const char* tender_json, size_t size,
                                 char** response_json);
FIRSTSET_API int firstset_record_n(firstset_engine* engine, const char* record_json, size_t size,
                                   char** response_json);
FIRSTSET_API int firstset_verify_n(const char* request_json, size_t size, char** response_json);

/* Log levels given to a log callback. An engine passes on the messages at or above the
 * log_level of its configuration. */
enum firstset_log_level {
    FIRSTSET_LOG_DEBUG = 1,
    FIRSTSET_LOG_INFO = 2,
    FIRSTSET_LOG_WARN = 3,
    FIRSTSET_LOG_ERROR = 4
};

/* A host's log function: level (enum firstset_log_level), a stable code (e.g.
 * "REGISTRY_REFRESH_FAILED", docs/bindings.md lists them) and the message, both UTF-8 and valid
 * only during the call. It may be called from any thread, including the engine's background
 * threads (registry refresh, checkpoints, shipping), and concurrently; it must return quickly.
 * It must not call firstset functions: from inside it they answer ARGUMENT with code
 * INSIDE_LOG_CALLBACK (firstset_close does nothing), since the engine that logs may hold what
 * the call would wait for. */
typedef void (*firstset_log_fn)(void* user_data, int level, const char* code, const char* message);

/* Routes every engine's log messages to callback (process-wide, in the manner of SQLite's
 * SQLITE_CONFIG_LOG) instead of standard error; a log file named in a configuration is still
 * written. NULL restores standard error. When it returns, no call of the previous callback is
 * running or will start, so its user_data may be released. ARGUMENT when called from inside a
 * log callback. [thread-safe] */
FIRSTSET_API int firstset_set_log_callback(firstset_log_fn callback, void* user_data);

/* Since 1.5 every function taking an engine checks the handle: one that was closed gives
 * ARGUMENT with code ENGINE_CLOSED, one this library never returned gives ARGUMENT with code
 * ENGINE_UNKNOWN, instead of undefined behaviour; firstset_close of either is a no-op. A call
 * that races with firstset_close on the same engine either runs to its end before the engine is
 * torn down (close waits for it) or gives ENGINE_CLOSED. After fork(), an engine opened before
 * it gives ARGUMENT with code ENGINE_FORKED in the child (its background threads are not there):
 * open engines anew in the child; firstset_close of such an engine there only forgets it. What
 * cannot be detected: a pointer passed to firstset_free that this library did not return, and a
 * document shorter than the size given to an *_n function. */

/* ---- ABI 1.6: the incentives of clauses （一） and （二） (docs/contract.md section 13) ---- */

/* Rule R or Rule S of docs/domain.md for one certificate, under the request's "policy" or else the
 * one configured pack with an incentives section. request_json (schemas/incentive-request.schema.json):
 *   {"clause": "first_purchase_reward", "certificate": ID, "amount_paid": "2200000.00", "paid_on": "YYYY-MM-DD"}
 *   -> {"eligible", "max_reward": "660000.00", "reasons": [...], ...}: a ceiling ("at most"), the
 *      authority chooses the amount;
 *   {"clause": "premium_subsidy", "certificate": ID, "years": [{"year", "premium", "insured_amount",
 *    "claim"}, ...], "national_talent_plan": bool}
 *   -> {"years": [{"year", "rate_percent", "subsidy", "reasons", ...}], "total", "reasons", ...}
 * (schemas/incentive-response.schema.json). Money is a decimal string ("2200000.00"), never a JSON
 * number; a malformed, negative, over-precise or too large amount is SCHEMA (MONEY_FORMAT,
 * MONEY_NEGATIVE, MONEY_PRECISION, MONEY_RANGE) with its JSON Pointer. An unknown, revoked or
 * suspended certificate is not an error: the answer says why nothing is due. NOT_FOUND
 * (POLICY_UNKNOWN) for a "policy" not configured; CONFIG (POLICY_NO_INCENTIVES,
 * INCENTIVE_POLICY_AMBIGUOUS) when no pack, or more than one, sets the clause. [thread-safe] */
FIRSTSET_API int firstset_incentive(firstset_engine* engine, const char* request_json, char** response_json);
/* The same with a length, as the *_n functions of ABI 1.5. [thread-safe] */
FIRSTSET_API int firstset_incentive_n(firstset_engine* engine, const char* request_json, size_t size,
                                      char** response_json);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FIRSTSET_FIRSTSET_H */
