/*
 * validate.c - the checks BuildKit's instructions package makes on each
 * parsed node (instructions.ParseInstruction): known keyword, argument
 * counts, flags each instruction accepts (BFlags: unknown, duplicate,
 * missing value, booleans), FROM's `AS name`, ONBUILD triggers, HEALTHCHECK
 * options, SHELL's JSON form, COPY/ADD destinations. Messages are BuildKit's
 * own, each with a hint on how to fix it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "common/suggest.h"
#include "dockerfile/df_internal.h"

typedef enum { FLAG_BOOL, FLAG_STRING, FLAG_STRINGS } flag_type;
typedef struct flag_spec {
    const char *name;
    flag_type type;
} flag_spec;

static const flag_spec run_flags[] = {{"mount", FLAG_STRINGS}, {"network", FLAG_STRING},
                                      {"security", FLAG_STRING}, {"device", FLAG_STRINGS}, {0, 0}};
static const flag_spec copy_flags[] = {{"chown", FLAG_STRING}, {"from", FLAG_STRING},
                                       {"chmod", FLAG_STRING}, {"link", FLAG_BOOL},
                                       {"parents", FLAG_BOOL}, {"exclude", FLAG_STRINGS}, {0, 0}};
static const flag_spec add_flags[] = {{"chown", FLAG_STRING},        {"chmod", FLAG_STRING},
                                      {"link", FLAG_BOOL},           {"keep-git-dir", FLAG_BOOL},
                                      {"checksum", FLAG_STRING},     {"exclude", FLAG_STRINGS},
                                      {"parents", FLAG_BOOL},        {"unpack", FLAG_BOOL},
                                      {0, 0}};
static const flag_spec from_flags[] = {{"platform", FLAG_STRING}, {0, 0}};
static const flag_spec health_flags[] = {{"interval", FLAG_STRING},   {"timeout", FLAG_STRING},
                                         {"start-period", FLAG_STRING}, {"start-interval", FLAG_STRING},
                                         {"retries", FLAG_STRING},    {0, 0}};
static const flag_spec no_flags[] = {{0, 0}};

static int fail(hoist_error *err, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(hoist_error *err, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hoist_error_vset(err, HOIST_EINPUT, fmt, ap);
    va_end(ap);
    hoist_error_reason(err, HOIST_REASON_SYNTAX);
    if (hint)
        hoist_error_hint(err, "%s", hint);
    return HOIST_EINPUT;
}

static void point_at(hoist_error *err, hoist_df_range r)
{
    err->line = r.start.line;
    err->column = r.start.column;
}

static const flag_spec *find_spec(const flag_spec *specs, const char *name)
{
    for (const flag_spec *s = specs; s->name; s++)
        if (!strcmp(s->name, name))
            return s;
    return NULL;
}

/* BFlags.Parse */
static int parse_flags(const hoist_df_instruction *ins, const flag_spec *specs, hoist_error *err)
{
    bool used[16] = {0};
    for (size_t i = 0; i < ins->flag_count; i++) {
        const hoist_df_flag *f = &ins->flags[i];
        if (strncmp(f->text, "--", 2) != 0) {
            point_at(err, f->range);
            return fail(err, NULL, "arg should start with -- : %s", f->text);
        }
        const flag_spec *s = find_spec(specs, f->name);
        if (!s) {
            const char *cands[16] = {0};
            size_t n = 0;
            for (const flag_spec *q = specs; q->name && n < 16; q++)
                cands[n++] = q->name;
            const char *sug = hoist_suggest(f->name, cands, n);
            char hint[512];
            if (sug)
                snprintf(hint, sizeof(hint), "did you mean --%s?", sug);
            else if (n == 0)
                snprintf(hint, sizeof(hint), "%s takes no flags", ins->keyword);
            else {
                size_t o = (size_t)snprintf(hint, sizeof(hint), "%s accepts:", ins->keyword);
                for (size_t k = 0; k < n && o < sizeof(hint); k++)
                    o += (size_t)snprintf(hint + o, sizeof(hint) - o, " --%s", cands[k]);
            }
            int rc = fail(err, hint, "unknown flag: --%s", f->name);
            point_at(err, f->range);
            return rc;
        }
        size_t idx = (size_t)(s - specs);
        if (used[idx] && s->type != FLAG_STRINGS) {
            point_at(err, f->range);
            return fail(err, "give the flag once", "duplicate flag specified: --%s", f->name);
        }
        used[idx] = true;
        switch (s->type) {
        case FLAG_BOOL:
            if (f->value && !*f->value) {
                point_at(err, f->range);
                return fail(err, "write --flag, --flag=true or --flag=false",
                            "missing a value on flag: --%s", f->name);
            }
            if (f->value && strcasecmp(f->value, "true") && strcasecmp(f->value, "false")) {
                point_at(err, f->range);
                return fail(err, "write --flag, --flag=true or --flag=false",
                            "expecting boolean value for flag --%s, not: %s", f->name, f->value);
            }
            break;
        case FLAG_STRING:
        case FLAG_STRINGS:
            if (!f->value) {
                point_at(err, f->range);
                return fail(err, "write it as --name=value", "missing a value on flag: --%s", f->name);
            }
            break;
        }
    }
    return 0;
}

static void syntax_hint(hoist_error *err, const hoist_df_instruction *ins, const char *prefix)
{
    char lower[32];
    snprintf(lower, sizeof(lower), "%s", ins->keyword);
    for (char *p = lower; *p; p++)
        *p = df_ascii_lower(*p);
    hoist_error_hint(err, "%s%ssee https://docs.docker.com/reference/dockerfile/#%s", prefix ? prefix : "",
                     prefix ? "; " : "", lower);
}

static int err_at_least_one(hoist_error *err, const hoist_df_instruction *ins)
{
    fail(err, NULL, "%s requires at least one argument", ins->keyword);
    syntax_hint(err, ins, NULL);
    return HOIST_EINPUT;
}

static int err_exactly_one(hoist_error *err, const hoist_df_instruction *ins)
{
    fail(err, NULL, "%s requires exactly one argument", ins->keyword);
    syntax_hint(err, ins, ins->arg_count > 1 ? "quote the value if it contains spaces" : "give it one value");
    return HOIST_EINPUT;
}

/* time.ParseDuration; returns false on syntax error. Result in ns. */
static bool parse_go_duration(const char *s, double *ns)
{
    const char *orig = s;
    double total = 0;
    bool neg = false;
    if (*s == '-' || *s == '+') {
        neg = *s == '-';
        s++;
    }
    if (!strcmp(s, "0")) {
        *ns = 0;
        return true;
    }
    if (!*s)
        return false;
    while (*s) {
        if (!((*s >= '0' && *s <= '9') || *s == '.'))
            return false;
        double v = 0, scale = 1;
        bool digits = false, dot = false;
        while ((*s >= '0' && *s <= '9') || (*s == '.' && !dot)) {
            if (*s == '.') {
                dot = true;
            } else {
                digits = true;
                if (dot) {
                    scale /= 10;
                    v += (*s - '0') * scale;
                } else {
                    v = v * 10 + (*s - '0');
                }
            }
            s++;
        }
        if (!digits)
            return false;
        const char *u = s;
        while (*s && !(*s >= '0' && *s <= '9') && *s != '.')
            s++;
        size_t ul = (size_t)(s - u);
        double mult;
        if (ul == 2 && !strncmp(u, "ns", 2))
            mult = 1;
        else if ((ul == 2 && !strncmp(u, "us", 2)) || (ul == 3 && !strncmp(u, "\xc2\xb5s", 3)) ||
                 (ul == 3 && !strncmp(u, "\xce\xbcs", 3)))
            mult = 1e3;
        else if (ul == 2 && !strncmp(u, "ms", 2))
            mult = 1e6;
        else if (ul == 1 && *u == 's')
            mult = 1e9;
        else if (ul == 1 && *u == 'm')
            mult = 60e9;
        else if (ul == 1 && *u == 'h')
            mult = 3600e9;
        else
            return false;
        total += v * mult;
    }
    (void)orig;
    *ns = neg ? -total : total;
    return true;
}

static int check_interval(const hoist_df_instruction *ins, const char *name, hoist_error *err)
{
    const hoist_df_flag *f = hoist_df_instruction_flag(ins, name);
    if (!f || !f->value || !*f->value)
        return 0;
    double ns;
    if (!parse_go_duration(f->value, &ns)) {
        point_at(err, f->range);
        return fail(err, "use a Go duration such as 30s, 1m30s or 500ms",
                    "time: invalid duration \"%s\"", f->value);
    }
    if (ns != 0 && ns < 1e6) {
        point_at(err, f->range);
        return fail(err, "use at least 1ms (or 0 for the default)",
                    "Interval \"%s\" cannot be less than 1ms", name);
    }
    return 0;
}

static bool stage_name_valid(const char *n)
{
    if (!(*n >= 'a' && *n <= 'z'))
        return false;
    for (n++; *n; n++)
        if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '-' || *n == '_' ||
              *n == '.'))
            return false;
    return true;
}

static const char *const all_keywords[] = {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV",
                                           "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
                                           "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER",
                                           "VOLUME", "WORKDIR"};

static int check_sources_dest(const hoist_df_instruction *ins, hoist_error *err)
{
    if (ins->arg_count < 2)
        return fail(err, "name the destination last, e.g. `COPY src/ /app/`",
                    "%s requires at least two arguments, but only one was provided. Destination could "
                    "not be determined",
                    ins->keyword);
    return 0;
}

static int check_dest_not_heredoc(const hoist_df_instruction *ins, hoist_error *err)
{
    const char *dest = ins->args[ins->arg_count - 1].value;
    if (df_word_is_heredoc(dest)) {
        point_at(err, ins->args[ins->arg_count - 1].range);
        return fail(err, "put the heredoc before the destination: `COPY <<EOF /path`",
                    "%s cannot accept a heredoc as a destination", ins->keyword);
    }
    return 0;
}

/* encoding/csv Reader.Read of one record (no LazyQuotes), as BuildKit's
 * parseMount reads a --mount value. Fields go to `fields` (malloc'd, NUL
 * separated); returns false with Go's message on a syntax error. */
static bool csv_read_record(const char *v, hbuf *fields, size_t *nfields, char *msg, size_t msgsz)
{
    size_t n = strlen(v), i = 0;
    *nfields = 0;
    if (n == 0) {
        snprintf(msg, msgsz, "EOF");
        return false;
    }
    for (;;) {
        if (i < n && v[i] == '"') {
            size_t start = i++;
            (void)start;
            for (;;) {
                if (i >= n) {
                    snprintf(msg, msgsz, "parse error on line 1, column %zu: extraneous or missing \" in quoted-field", n + 1);
                    return false;
                }
                if (v[i] == '"') {
                    if (i + 1 < n && v[i + 1] == '"') {
                        hbuf_putc(fields, '"');
                        i += 2;
                        continue;
                    }
                    if (i + 1 == n || v[i + 1] == ',') {
                        i++;
                        break;
                    }
                    snprintf(msg, msgsz, "parse error on line 1, column %zu: extraneous or missing \" in quoted-field", i + 2);
                    return false;
                }
                hbuf_putc(fields, v[i++]);
            }
        } else {
            while (i < n && v[i] != ',') {
                if (v[i] == '"') {
                    snprintf(msg, msgsz, "parse error on line 1, column %zu: bare \" in non-quoted-field", i + 1);
                    return false;
                }
                hbuf_putc(fields, v[i++]);
            }
        }
        hbuf_putc(fields, 0);
        (*nfields)++;
        if (i >= n)
            return true;
        i++; /* the comma */
        if (i == n) {
            hbuf_putc(fields, 0);
            (*nfields)++;
            return true;
        }
    }
}

/* What BuildKit checks of RUN's --mount, --network and --security values
 * while parsing (the rest is checked when the build runs). */
static int check_run_values(const hoist_df_instruction *ins, hoist_error *err)
{
    for (size_t i = 0; i < ins->flag_count; i++) {
        const hoist_df_flag *f = &ins->flags[i];
        if (!f->value)
            continue;
        if (!strcmp(f->name, "mount")) {
            hbuf fields = {0};
            size_t nf;
            char msg[256];
            if (!csv_read_record(f->value, &fields, &nf, msg, sizeof(msg))) {
                hbuf_free(&fields);
                point_at(err, f->range);
                return fail(err, "write --mount=type=...,key=value,...; quote a whole field as \"key=value\" when it needs quotes",
                            "failed to parse csv mounts: %s", msg);
            }
            const char *fld = fields.data;
            for (size_t k = 0; k < nf; k++, fld += strlen(fld) + 1) {
                const char *eq = strchr(fld, '=');
                if (!eq || (size_t)(eq - fld) != 4 || strncasecmp(fld, "from", 4))
                    continue;
                const char *dollar = strchr(eq + 1, '$');
                if (dollar && dollar[1] && dollar[1] != '\n') {
                    hbuf_free(&fields);
                    point_at(err, f->range);
                    return fail(err, "name the stage or image directly, or add `FROM <image-with-vars> AS alias` and mount from=alias",
                                "'from' doesn't support variable expansion, define alias stage instead");
                }
            }
            hbuf_free(&fields);
        } else if (!strcmp(f->name, "network")) {
            if (strcmp(f->value, "default") && strcmp(f->value, "none") && strcmp(f->value, "host")) {
                point_at(err, f->range);
                return fail(err, "use --network=default, none or host", "unsupported network mode %s", f->value);
            }
        } else if (!strcmp(f->name, "security")) {
            if (strcmp(f->value, "insecure") && strcmp(f->value, "sandbox")) {
                point_at(err, f->range);
                return fail(err, "use --security=insecure or sandbox", "unsupported security mode %s", f->value);
            }
        }
    }
    return 0;
}

int df_validate_instruction(const hoist_dockerfile *df, const hoist_df_instruction *ins,
                            hoist_error *err)
{
    (void)df;
    int rc;
    size_t n = ins->arg_count;
    switch (ins->kind) {
    case HOIST_DF_ENV:
    case HOIST_DF_LABEL:
        if ((rc = parse_flags(ins, no_flags, err)))
            return rc;
        if (ins->pair_count == 0)
            return fail(err, "write it as name=value", "%s requires at least one argument", ins->keyword);
        for (size_t i = 0; i < ins->pair_count; i++)
            if (!*ins->pairs[i].key) {
                point_at(err, ins->pairs[i].range);
                return fail(err, "write it as name=value", "%s names can not be blank", ins->keyword);
            }
        return 0;
    case HOIST_DF_MAINTAINER:
        if (n != 1)
            return err_exactly_one(err, ins);
        return parse_flags(ins, no_flags, err);
    case HOIST_DF_ADD:
        if ((rc = check_sources_dest(ins, err)))
            return rc;
        if ((rc = parse_flags(ins, add_flags, err)))
            return rc;
        return check_dest_not_heredoc(ins, err);
    case HOIST_DF_COPY:
        if ((rc = check_sources_dest(ins, err)))
            return rc;
        if ((rc = parse_flags(ins, copy_flags, err)))
            return rc;
        return check_dest_not_heredoc(ins, err);
    case HOIST_DF_FROM:
        if (n == 3 && !strcasecmp(ins->args[1].value, "as")) {
            char lower[256];
            snprintf(lower, sizeof(lower), "%s", ins->args[2].value);
            for (char *p = lower; *p; p++)
                *p = df_ascii_lower(*p);
            if (!stage_name_valid(lower) || strlen(ins->args[2].value) >= sizeof(lower)) {
                point_at(err, ins->args[2].range);
                return fail(err, "stage names start with a letter and use only a-z, 0-9, '-', '_' and '.'",
                            "invalid name for build stage: \"%s\", name can't start with a number or "
                            "contain symbols",
                            ins->args[2].value);
            }
        } else if (n != 1) {
            return fail(err, "write `FROM <image> [AS <name>]`",
                        "FROM requires either one or three arguments");
        }
        return parse_flags(ins, from_flags, err);
    case HOIST_DF_ONBUILD: {
        if (!ins->trigger)
            return err_at_least_one(err, ins);
        if ((rc = parse_flags(ins, no_flags, err)))
            return rc;
        const char *t = ins->trigger->keyword;
        if (!strcmp(t, "ONBUILD"))
            return fail(err, "put the trigger instruction directly after ONBUILD",
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (!strcmp(t, "MAINTAINER") || !strcmp(t, "FROM"))
            return fail(err, "ONBUILD may wrap any other instruction", "%s isn't allowed as an ONBUILD trigger",
                        t);
        return 0;
    }
    case HOIST_DF_WORKDIR:
        if (n != 1)
            return err_exactly_one(err, ins);
        return parse_flags(ins, no_flags, err);
    case HOIST_DF_RUN:
        if ((rc = parse_flags(ins, run_flags, err)))
            return rc;
        return check_run_values(ins, err);
    case HOIST_DF_CMD:
    case HOIST_DF_ENTRYPOINT:
        return parse_flags(ins, no_flags, err);
    case HOIST_DF_HEALTHCHECK: {
        if (n == 0)
            return fail(err, "write `HEALTHCHECK CMD <command>` or `HEALTHCHECK NONE`",
                        "HEALTHCHECK requires at least one argument");
        char typ[32];
        snprintf(typ, sizeof(typ), "%s", ins->args[0].value);
        for (char *p = typ; *p; p++)
            *p = df_ascii_upper(*p);
        if (!strcmp(typ, "NONE")) {
            if (n != 1)
                return fail(err, "HEALTHCHECK NONE disables the check; drop what follows",
                            "HEALTHCHECK NONE takes no arguments");
            return 0;
        }
        if ((rc = parse_flags(ins, health_flags, err)))
            return rc;
        if (!strcmp(typ, "CMD") && strlen(ins->args[0].value) == 3) {
            if (n == 1)
                return fail(err, "give the command to run, e.g. HEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]",
                            "Missing command after HEALTHCHECK CMD");
        } else {
            point_at(err, ins->args[0].range);
            return fail(err, "the only types are CMD and NONE", "Unknown type \"%s\" in HEALTHCHECK (try CMD)",
                        typ);
        }
        static const char *const ivs[] = {"interval", "timeout", "start-period", "start-interval"};
        for (size_t i = 0; i < 4; i++)
            if ((rc = check_interval(ins, ivs[i], err)))
                return rc;
        const hoist_df_flag *r = hoist_df_instruction_flag(ins, "retries");
        if (r && r->value && *r->value) {
            char *end;
            errno = 0;
            long long v = strtoll(r->value, &end, 10);
            if (*end || errno || v > INT32_MAX || v < INT32_MIN || !*r->value) {
                point_at(err, r->range);
                return fail(err, "use a whole number", "strconv.ParseInt: parsing \"%s\": invalid syntax",
                            r->value);
            }
            if (v < 0) {
                point_at(err, r->range);
                return fail(err, "use 0 or more", "--retries cannot be negative (%lld)", v);
            }
        }
        return 0;
    }
    case HOIST_DF_EXPOSE:
        if (n == 0)
            return err_at_least_one(err, ins);
        return parse_flags(ins, no_flags, err);
    case HOIST_DF_USER:
        if (n != 1)
            return err_exactly_one(err, ins);
        return parse_flags(ins, no_flags, err);
    case HOIST_DF_VOLUME:
        if (n == 0)
            return err_at_least_one(err, ins);
        if ((rc = parse_flags(ins, no_flags, err)))
            return rc;
        for (size_t i = 0; i < n; i++) {
            const char *v = ins->args[i].value;
            size_t a = utf8_trim_left_space(v, strlen(v));
            if (a == strlen(v)) {
                point_at(err, ins->args[i].range);
                return fail(err, "name a path, e.g. VOLUME /data",
                            "VOLUME specified can not be an empty string");
            }
        }
        return 0;
    case HOIST_DF_STOPSIGNAL:
        if (n != 1)
            return err_exactly_one(err, ins);
        return 0;
    case HOIST_DF_ARG:
        if (n < 1)
            return fail(err, "write `ARG name` or `ARG name=default`", "ARG requires at least one argument");
        for (size_t i = 0; i < ins->pair_count; i++)
            if (ins->pairs[i].value && !*ins->pairs[i].key) {
                point_at(err, ins->pairs[i].range);
                return fail(err, "write `ARG name=default`", "ARG names can not be blank");
            }
        return 0;
    case HOIST_DF_SHELL:
        if ((rc = parse_flags(ins, no_flags, err)))
            return rc;
        if (n == 0)
            return fail(err, "give the shell, e.g. SHELL [\"/bin/bash\", \"-c\"]",
                        "SHELL requires at least one argument");
        if (ins->form != HOIST_DF_FORM_EXEC)
            return fail(err, "write it as a JSON array, e.g. SHELL [\"/bin/bash\", \"-c\"]",
                        "SHELL requires the arguments to be in JSON form");
        return 0;
    case HOIST_DF_UNKNOWN: {
        const char *sug = hoist_suggest(ins->keyword, all_keywords,
                                     sizeof(all_keywords) / sizeof(all_keywords[0]));
        char hint[256];
        if (sug)
            snprintf(hint, sizeof(hint), "did you mean %s?", sug);
        else
            snprintf(hint, sizeof(hint),
                     "instructions are FROM, RUN, COPY, ADD, ENV, ARG, WORKDIR, USER, CMD, "
                     "ENTRYPOINT, EXPOSE, LABEL, VOLUME, HEALTHCHECK, SHELL, STOPSIGNAL, ONBUILD");
        return fail(err, hint, "unknown instruction: %s", ins->keyword_original);
    }
    }
    return 0;
}

