/*
 * format.c - writing a lint result: tty, json, sarif, checkstyle, gnu,
 * codeclimate.
 *
 * json is hadolint's format (an array of {code, level, file, line, column,
 * message}) with hoist's extra fields end_line, end_column, hint and source
 * added; tools that read hadolint's output keep working. sarif is SARIF
 * 2.1.0 with one run, the rules that fired listed in the driver. checkstyle
 * groups errors per file. gnu is `file:line:col: severity: message [code]`,
 * the form editors and compilers use. codeclimate is the array of Code
 * Climate issues that GitLab reads as a code quality report (description,
 * check_name, fingerprint, severity, location.path, location.lines.begin);
 * the fingerprint is a SHA-256 of the rule, file, message and the finding's
 * rank among identical ones, not of the line number, so that a finding keeps
 * its identity when lines above it move. tty is for people: the location, the
 * severity in colour, the source line with a caret under the range, the
 * hint, and a summary line.
 */
#include "common/options.h"
#include "lint/lint_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include "common/cleanup.h"
#include "common/sha256.h"
#include "common/json_util.h"
#include "hoist/version.h"

int hoist_lint_format_parse(hoist_lint_format *out, const char *name)
{
    static const char *const names[] = {"tty", "json", "sarif", "checkstyle", "gnu",
                                        "codeclimate"};
    if (name && !strcasecmp(name, "gitlab")) {
        *out = HOIST_LINT_FORMAT_CODECLIMATE;
        return 0;
    }
    for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcasecmp(name, names[i])) {
            *out = (hoist_lint_format)i;
            return 0;
        }
    return -1;
}

static const char *level(hoist_lint_severity s)
{
    switch (s) {
    case HOIST_LINT_ERROR:
        return "error";
    case HOIST_LINT_WARNING:
        return "warning";
    case HOIST_LINT_INFO:
        return "info";
    case HOIST_LINT_STYLE:
        return "style";
    default:
        return "ignore";
    }
}

static int write_json_value(json_t *v, FILE *out, size_t flags, hoist_error *err)
{
    if (!v)
        return hoist_error_nomem(err);
    if (json_dumpf(v, out, flags) != 0)
        return hoist_error_set(err, HOIST_EFAILED, "cannot write the report");
    fputc('\n', out);
    return 0;
}

/* A JSON string, escaped as RFC 8259 requires (UTF-8 passes through). */
static void json_str(FILE *out, const char *s)
{
    fputc_unlocked('"', out);
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s;; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        /* Flush the run of plain bytes before p. */
        if ((const char *)p > run)
            fwrite_unlocked(run, 1, (size_t)((const char *)p - run), out);
        run = (const char *)p + 1;
        if (!c)
            break;
        switch (c) {
        case '"':
            fputs_unlocked("\\\"", out);
            break;
        case '\\':
            fputs_unlocked("\\\\", out);
            break;
        case '\n':
            fputs_unlocked("\\n", out);
            break;
        case '\t':
            fputs_unlocked("\\t", out);
            break;
        case '\r':
            fputs_unlocked("\\r", out);
            break;
        default:
            fprintf(out, "\\u%04x", c);
        }
    }
    fputc_unlocked('"', out);
}

/* Written by hand rather than through a jansson tree: reports of thousands
 * of findings (a whole corpus) stay fast and flat in memory. */
static int write_json(const hoist_lint_result *r, FILE *out, hoist_error *err)
{
    size_t n = hoist_lint_result_finding_count(r);
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, i);
        fputs(i ? ",\n  {\"code\": " : "\n  {\"code\": ", out);
        json_str(out, f->code);
        fprintf(out, ", \"level\": \"%s\", \"file\": ", level(f->severity));
        json_str(out, f->file);
        fprintf(out, ", \"line\": %d, \"column\": %d, \"message\": ", f->range.start.line,
                f->range.start.column);
        json_str(out, f->message);
        fprintf(out, ", \"end_line\": %d, \"end_column\": %d, \"source\": ", f->range.end.line,
                f->range.end.column);
        json_str(out, f->source);
        if (f->hint) {
            fputs(", \"hint\": ", out);
            json_str(out, f->hint);
        }
        fputc('}', out);
    }
    fputs(n ? "\n]\n" : "]\n", out);
    return ferror(out) ? hoist_error_set(err, HOIST_EFAILED, "cannot write the report") : 0;
}

static const char *sarif_level(hoist_lint_severity s)
{
    return s == HOIST_LINT_ERROR ? "error" : s == HOIST_LINT_WARNING ? "warning" : "note";
}

static int write_sarif(const hoist_lint_result *r, FILE *out, hoist_error *err)
{
    _cleanup_json_ json_t *rules = json_array();
    _cleanup_json_ json_t *results = json_array();
    _cleanup_json_ json_t *seen = json_object();
    if (!rules || !results || !seen)
        return hoist_error_nomem(err);
    for (size_t i = 0; i < hoist_lint_result_finding_count(r); i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, i);
        json_t *idx = json_object_get(seen, f->code);
        if (!idx) {
            const hoist_lint_rule_info *info = hoist_lint_rule_find(f->code);
            json_t *rule = json_pack("{s:s}", "id", f->code);
            char uri[256];
            if (info) {
                json_object_set_new(rule, "shortDescription", json_pack("{s:s}", "text", info->title));
                json_object_set_new(rule, "fullDescription",
                                    json_pack("{s:s}", "text", info->explanation));
                json_object_set_new(rule, "help", json_pack("{s:s}", "text", info->explanation));
                json_object_set_new(rule, "defaultConfiguration",
                                    json_pack("{s:s}", "level", sarif_level(info->severity)));
                json_object_set_new(rule, "properties", json_pack("{s:s}", "source", info->source));
            } else if (!strncmp(f->code, "SC", 2)) {
                snprintf(uri, sizeof(uri), "https://www.shellcheck.net/wiki/%s", f->code);
                json_object_set_new(rule, "shortDescription", json_pack("{s:s}", "text", "ShellCheck"));
                json_object_set_new(rule, "helpUri", json_string(uri));
            }
            idx = json_integer((json_int_t)json_array_size(rules));
            json_object_set_new(seen, f->code, idx);
            json_array_append_new(rules, rule);
        }
        json_t *loc = json_pack("{s:{s:s}}", "artifactLocation", "uri", f->file);
        if (f->range.start.line <= 0) {
            /* About the whole file: code-scanning services want a line. */
            json_object_set_new(loc, "region", json_pack("{s:i}", "startLine", 1));
        } else {
            json_t *region = json_pack("{s:i}", "startLine", f->range.start.line);
            if (f->range.start.column > 0)
                json_object_set_new(region, "startColumn", json_integer(f->range.start.column));
            if (f->range.end.line >= f->range.start.line) {
                json_object_set_new(region, "endLine", json_integer(f->range.end.line));
                if (f->range.end.column > 0 &&
                    (f->range.end.line > f->range.start.line ||
                     f->range.end.column > f->range.start.column))
                    json_object_set_new(region, "endColumn", json_integer(f->range.end.column));
            }
            json_object_set_new(loc, "region", region);
        }
        json_t *res = json_pack("{s:s, s:I, s:s, s:{s:s}, s:[{s:o}]}", "ruleId", f->code,
                                "ruleIndex", json_integer_value(idx), "level",
                                sarif_level(f->severity), "message", "text", f->message,
                                "locations", "physicalLocation", loc);
        if (!res)
            return hoist_error_nomem(err);
        json_array_append_new(results, res);
    }
    json_t *run = json_pack("{s:{s:{s:s, s:s, s:O}}, s:O}", "tool", "driver", "name", "hoist",
                            "version", hoist_version_string(), "rules", rules, "results", results);
    _cleanup_json_ json_t *doc =
        json_pack("{s:s, s:s, s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
                  "version", "2.1.0", "runs", run);
    return write_json_value(doc, out, JSON_INDENT(2), err);
}

/* Code Climate severities: info, minor, major, critical, blocker. */
static const char *cc_severity(hoist_lint_severity s)
{
    switch (s) {
    case HOIST_LINT_ERROR:
        return "critical";
    case HOIST_LINT_WARNING:
        return "major";
    case HOIST_LINT_INFO:
        return "minor";
    default:
        return "info";
    }
}

/* Hex SHA-256 of code, file, message and `rank` (how many identical
 * findings came before this one), each NUL-terminated. */
static void cc_fingerprint(const hoist_lint_finding *f, size_t rank, char hex[65])
{
    char rank_text[32];
    snprintf(rank_text, sizeof(rank_text), "%zu", rank);
    hoist_sha256 ctx;
    hoist_sha256_init(&ctx);
    hoist_sha256_update(&ctx, f->code, strlen(f->code) + 1);
    hoist_sha256_update(&ctx, f->file, strlen(f->file) + 1);
    hoist_sha256_update(&ctx, f->message, strlen(f->message) + 1);
    hoist_sha256_update(&ctx, rank_text, strlen(rank_text) + 1);
    hoist_sha256_final_hex(&ctx, hex);
}

static int write_codeclimate(const hoist_lint_result *r, FILE *out, hoist_error *err)
{
    _cleanup_json_ json_t *issues = json_array();
    _cleanup_json_ json_t *ranks = json_object();
    if (!issues || !ranks)
        return hoist_error_set(err, HOIST_EFAILED, "out of memory");
    for (size_t i = 0; i < hoist_lint_result_finding_count(r); i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, i);
        /* Identical findings (same rule, file and message on other lines)
         * are told apart by their rank, which survives line moves. */
        _cleanup_free_ char *key = NULL;
        if (asprintf(&key, "%s\n%s\n%s", f->code, f->file, f->message) < 0)
            return hoist_error_set(err, HOIST_EFAILED, "out of memory");
        json_int_t rank = json_integer_value(json_object_get(ranks, key));
        json_object_set_new(ranks, key, json_integer(rank + 1));
        char fp[65];
        cc_fingerprint(f, (size_t)rank, fp);
        /* GitLab matches location.path against the repository's paths:
         * "./Dockerfile" would not match "Dockerfile". */
        const char *path = f->file;
        while (path[0] == '.' && path[1] == '/')
            path += 2;
        int begin = f->range.start.line > 0 ? f->range.start.line : 1;
        int end = f->range.end.line >= begin ? f->range.end.line : begin;
        json_t *issue = json_pack(
            "{s:s, s:s, s:s, s:[s], s:s, s:s, s:{s:s, s:{s:i, s:i}}}", "type", "issue",
            "description", f->message, "check_name", f->code, "categories", "Style",
            "fingerprint", fp, "severity", cc_severity(f->severity), "location", "path",
            path, "lines", "begin", begin, "end", end);
        if (!issue)
            return hoist_error_set(err, HOIST_EFAILED, "out of memory");
        if (f->hint)
            json_object_set_new(issue, "content", json_pack("{s:s}", "body", f->hint));
        json_array_append_new(issues, issue);
    }
    return write_json_value(issues, out, JSON_INDENT(2), err);
}

static void xml_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&apos;", out);
            break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
                fputc(' ', out);
            else
                fputc(*s, out);
        }
    }
}

static int write_checkstyle(const hoist_lint_result *r, FILE *out, hoist_error *err)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n", out);
    const char *file = NULL;
    for (size_t i = 0; i < hoist_lint_result_finding_count(r); i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, i);
        if (!file || strcmp(file, f->file)) {
            if (file)
                fputs("  </file>\n", out);
            file = f->file;
            fputs("  <file name=\"", out);
            xml_escape(out, file);
            fputs("\">\n", out);
        }
        const char *sev = f->severity == HOIST_LINT_ERROR     ? "error"
                          : f->severity == HOIST_LINT_WARNING ? "warning"
                                                              : "info";
        fprintf(out, "    <error line=\"%d\" column=\"%d\" severity=\"%s\" message=\"",
                f->range.start.line, f->range.start.column, sev);
        xml_escape(out, f->message);
        fputs("\" source=\"", out);
        xml_escape(out, f->code);
        fputs("\"/>\n", out);
    }
    if (file)
        fputs("  </file>\n", out);
    fputs("</checkstyle>\n", out);
    return ferror(out) ? hoist_error_set(err, HOIST_EFAILED, "cannot write the report") : 0;
}

static int write_gnu(const hoist_lint_result *r, FILE *out, hoist_error *err)
{
    for (size_t i = 0; i < hoist_lint_result_finding_count(r); i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, i);
        if (f->range.start.line > 0)
            fprintf(out, "%s:%d:%d: %s: %s [%s]\n", f->file, f->range.start.line,
                    f->range.start.column > 0 ? f->range.start.column : 1, level(f->severity),
                    f->message, f->code);
        else
            fprintf(out, "%s: %s: %s [%s]\n", f->file, level(f->severity), f->message, f->code);
    }
    return ferror(out) ? hoist_error_set(err, HOIST_EFAILED, "cannot write the report") : 0;
}

/* Line `line` (1-based) of the source for `file`, or NULL. */
static const char *source_line(const hoist_lint_write_options *o, const char *file, int line,
                               size_t *len)
{
    for (size_t s = 0; o && s < o->source_count; s++) {
        const hoist_lint_source *src = &o->sources[s];
        if (!src->file || strcmp(src->file, file) || !src->text)
            continue;
        const char *p = src->text, *end = src->text + src->len;
        for (int l = 1; p < end; l++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *e = nl ? nl : end;
            if (l == line) {
                *len = (size_t)(e - p);
                if (*len && p[*len - 1] == '\r')
                    (*len)--;
                return p;
            }
            if (!nl)
                break;
            p = nl + 1;
        }
    }
    return NULL;
}

static int write_tty(const hoist_lint_result *r, FILE *out, const hoist_lint_write_options *o,
                     hoist_error *err)
{
    bool c = o && o->color;
    const char *bold = c ? "\033[1m" : "", *reset = c ? "\033[0m" : "", *dim = c ? "\033[2m" : "";
    size_t counts[5] = {0};
    for (size_t i = 0; i < hoist_lint_result_finding_count(r); i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, i);
        const char *col = !c ? ""
                          : f->severity == HOIST_LINT_ERROR   ? "\033[1;31m"
                          : f->severity == HOIST_LINT_WARNING ? "\033[1;33m"
                          : f->severity == HOIST_LINT_INFO    ? "\033[1;36m"
                                                              : "\033[1;35m";
        counts[f->severity < 5 ? f->severity : 0]++;
        fprintf(out, "%s%s", bold, f->file);
        if (f->range.start.line > 0)
            fprintf(out, ":%d:%d", f->range.start.line,
                    f->range.start.column > 0 ? f->range.start.column : 1);
        fprintf(out, "%s %s%s%s %s%s%s %s\n", reset, col, level(f->severity), reset, dim, f->code,
                reset, f->message);
        size_t len = 0;
        const char *line = f->range.start.line > 0
                               ? source_line(o, f->file, f->range.start.line, &len)
                               : NULL;
        if (line) {
            fprintf(out, "%s%5d |%s %.*s\n", dim, f->range.start.line, reset, (int)len, line);
            int from = f->range.start.column > 0 ? f->range.start.column : 1;
            int to = (f->range.end.line == f->range.start.line && f->range.end.column > from)
                         ? f->range.end.column
                         : (int)len + 1;
            if (to > (int)len + 1)
                to = (int)len + 1;
            fprintf(out, "%s      |%s ", dim, reset);
            for (int k = 1; k < from; k++)
                fputc(line[k - 1] == '\t' ? '\t' : ' ', out);
            fprintf(out, "%s^", col);
            for (int k = from + 1; k < to; k++)
                fputc('~', out);
            fprintf(out, "%s\n", reset);
        }
        if (f->hint)
            fprintf(out, "      %shint:%s %s\n", dim, reset, f->hint);
    }
    size_t n = hoist_lint_result_finding_count(r);
    if (n)
        fprintf(out, "\n%zu finding%s: %zu error%s, %zu warning%s, %zu info, %zu style\n", n,
                n == 1 ? "" : "s", counts[HOIST_LINT_ERROR], counts[HOIST_LINT_ERROR] == 1 ? "" : "s",
                counts[HOIST_LINT_WARNING], counts[HOIST_LINT_WARNING] == 1 ? "" : "s",
                counts[HOIST_LINT_INFO], counts[HOIST_LINT_STYLE]);
    for (size_t i = 0; i < hoist_lint_result_note_count(r); i++)
        fprintf(out, "%snote:%s %s\n", dim, reset, hoist_lint_result_note_at(r, i));
    return ferror(out) ? hoist_error_set(err, HOIST_EFAILED, "cannot write the report") : 0;
}

void hoist_lint_write_options_init(hoist_lint_write_options *opts)
{
    *opts = (hoist_lint_write_options)HOIST_LINT_WRITE_OPTIONS_INIT;
}

int hoist_lint_write(const hoist_lint_result *r, hoist_lint_format format, FILE *out,
                     const hoist_lint_write_options *opts, hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    if (HOIST_OPTIONS_CHECK_OPT(opts, HOIST_LINT_WRITE_OPTIONS_VERSION, "hoist_lint_write",
                                "HOIST_LINT_WRITE_OPTIONS_INIT", err))
        return HOIST_EUSAGE;
    switch (format) {
    case HOIST_LINT_FORMAT_TTY:
        return write_tty(r, out, opts, err);
    case HOIST_LINT_FORMAT_JSON:
        return write_json(r, out, err);
    case HOIST_LINT_FORMAT_SARIF:
        return write_sarif(r, out, err);
    case HOIST_LINT_FORMAT_CHECKSTYLE:
        return write_checkstyle(r, out, err);
    case HOIST_LINT_FORMAT_GNU:
        return write_gnu(r, out, err);
    case HOIST_LINT_FORMAT_CODECLIMATE:
        return write_codeclimate(r, out, err);
    }
    return hoist_error_set(err, HOIST_EUSAGE, "unknown output format");
}
