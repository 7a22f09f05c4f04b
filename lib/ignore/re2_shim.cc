/*
 * re2_shim.cc - Go regexp semantics for the expressions patternmatcher
 * generates, through RE2 (the library Go's regexp reimplements).
 *
 * This is the only C++ file of hoist. It is not part of libhoist: it is
 * the shared module hoist-re2.so, which lib/ignore/regex.c loads on first
 * use (re2_module.h says why). It exports the three functions of
 * re2_module.h and lets no exception or C++ type cross them. docs/design.md
 * ("Ignore files") records why RE2 replaced the hand-written subset
 * engine, with numbers.
 *
 * Go's regexp and RE2 share syntax and match semantics; the differences
 * that reach a .dockerignore pattern are bridged here:
 *   - \C (any byte): RE2 accepts it, Go refuses it ("invalid escape").
 *   - (?<name>re): Go >= 1.22 accepts it, the packaged RE2 only (?P<name>re);
 *     it is rewritten to the P form.
 *   - invalid UTF-8 in the subject: Go decodes each bad byte as U+FFFD (so
 *     [^/] or . matches it), RE2 matches no rune there; bad bytes are
 *     replaced by U+FFFD before matching, which gives Go's answer.
 *   - invalid UTF-8 in the expression: Go refuses it ("invalid UTF-8").
 * Matching is MatchString: an unanchored search. The generated expression
 * carries ^...$, but an unescaped '|' splits those anchors apart, so
 * "p|q*" becomes ^p|q[^/]*$ and matches any path starting with p.
 */
#include <re2/re2.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string>

extern "C" {
#include "common/utf8.h"
#include "ignore/re2_module.h"
}

#define EXPORT extern "C" __attribute__((visibility("default")))

struct hoist_re2 {
    RE2 *re;
};

namespace {

bool valid_utf8(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t w;
        if (utf8_decode(s + i, len - i, &w) == UTF8_RUNE_ERROR && w == 1)
            return false;
        i += w;
    }
    return true;
}

/* Walk the expression once: refuse \C, rewrite (?<name> to (?P<name>.
 * Returns false (with a message) when Go would refuse the expression. */
bool go_to_re2(const char *s, size_t len, std::string &out, char *errbuf, size_t errlen)
{
    bool in_class = false;
    size_t class_start = 0;
    out.reserve(len + 8);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len) {
            if (s[i + 1] == 'C') {
                snprintf(errbuf, errlen, "invalid escape sequence: `\\C`");
                return false;
            }
            out.push_back(c);
            out.push_back(s[++i]);
            /* \Q...\E is literal text up to \E (or the end) */
            if (!in_class && s[i] == 'Q') {
                const char *e = nullptr;
                for (size_t k = i + 1; k + 1 < len; k++)
                    if (s[k] == '\\' && s[k + 1] == 'E') {
                        e = s + k;
                        break;
                    }
                size_t stop = e ? (size_t)(e - s) : len;
                out.append(s + i + 1, stop - i - 1);
                i = stop - 1;
            }
            continue;
        }
        if (in_class) {
            if (c == '[' && i + 1 < len && s[i + 1] == ':') {
                /* [:name:] is one item */
                const char *e = static_cast<const char *>(memmem(s + i + 2, len - i - 2, ":]", 2));
                if (e) {
                    out.append(s + i, (size_t)(e - (s + i)) + 2);
                    i = (size_t)(e - s) + 1;
                    continue;
                }
            }
            if (c == ']' && i > class_start)
                in_class = false;
            out.push_back(c);
            continue;
        }
        if (c == '[') {
            in_class = true;
            class_start = i + 1;
            if (class_start < len && s[class_start] == '^')
                class_start++;
            out.push_back(c);
            continue;
        }
        if (c == '(' && i + 2 < len && s[i + 1] == '?' && s[i + 2] == '<') {
            out.append("(?P<");
            i += 2;
            continue;
        }
        out.push_back(c);
    }
    return true;
}

} // namespace

EXPORT int hoist_re2_v1_compile(const char *s, size_t len, hoist_re2 **out, char *errbuf, size_t errlen)
{
    *out = nullptr;
    if (!valid_utf8(s, len)) {
        snprintf(errbuf, errlen, "invalid UTF-8");
        return -1;
    }
    try {
        std::string expr;
        if (!go_to_re2(s, len, expr, errbuf, errlen))
            return -1;
        RE2::Options opt;
        opt.set_log_errors(false);
        opt.set_encoding(RE2::Options::EncodingUTF8);
        /* Go has no memory budget, only size limits far above RE2's 8 MiB
         * default; a large but valid pattern must not fail here */
        opt.set_max_mem(int64_t(256) << 20);
        RE2 *re = new RE2(expr, opt);
        if (!re->ok()) {
            snprintf(errbuf, errlen, "%s", re->error().c_str());
            delete re;
            return -1;
        }
        hoist_re2 *g = new hoist_re2;
        g->re = re;
        *out = g;
        return 0;
    } catch (const std::bad_alloc &) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    } catch (...) {
        snprintf(errbuf, errlen, "cannot compile the expression");
        return -1;
    }
}

EXPORT bool hoist_re2_v1_match(const hoist_re2 *g, const char *s, size_t len)
{
    try {
        if (valid_utf8(s, len))
            return RE2::PartialMatch(re2::StringPiece(s, len), *g->re);
        std::string fixed;
        fixed.reserve(len + 16);
        for (size_t i = 0; i < len;) {
            size_t w;
            if (utf8_decode(s + i, len - i, &w) == UTF8_RUNE_ERROR && w == 1)
                fixed.append("\xEF\xBF\xBD");
            else
                fixed.append(s + i, w);
            i += w;
        }
        return RE2::PartialMatch(fixed, *g->re);
    } catch (...) {
        return false;
    }
}

EXPORT void hoist_re2_v1_free(hoist_re2 *g)
{
    if (!g)
        return;
    delete g->re;
    delete g;
}
