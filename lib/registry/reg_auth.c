/*
 * reg_auth.c - WWW-Authenticate parsing and token requests as the
 * distribution token spec describes them: GET realm?service=&scope= with
 * Basic credentials (or none, for anonymous pulls), POST realm with
 * grant_type=refresh_token for an identity token; the reply's "token" or
 * "access_token". Tokens and credentials are wiped after use.
 */
#include "registry/reg_auth.h"
#include "registry/auth_header.h"
#include "common/base64.h"
#include "common/cleanup.h"
#include "common/json_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *reg_api_host(const char *registry)
{
    if (!strcmp(registry, "docker.io") || !strcmp(registry, "index.docker.io"))
        return "registry-1.docker.io";
    return registry;
}

/* key="value" or key=value pairs after the scheme. */
static void param(const char *params, const char *key, char *out, size_t size)
{
    out[0] = '\0';
    size_t klen = strlen(key);
    const char *p = params;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!strncasecmp(p, key, klen) && p[klen] == '=') {
            p += klen + 1;
            size_t n = 0;
            if (*p == '"') {
                p++;
                while (p[n] && p[n] != '"')
                    n++;
            } else {
                while (p[n] && p[n] != ',')
                    n++;
            }
            snprintf(out, size, "%.*s", (int)n, p);
            return;
        }
        /* skip this pair */
        while (*p && *p != '=' && *p != ',')
            p++;
        if (*p == '=') {
            p++;
            if (*p == '"') {
                p++;
                while (*p && *p != '"')
                    p++;
                if (*p)
                    p++;
            } else {
                while (*p && *p != ',')
                    p++;
            }
        }
    }
}

int reg_parse_challenge(const char *header, reg_challenge *out)
{
    memset(out, 0, sizeof(*out));
    if (!header || !*header)
        return -1;
    size_t n = strcspn(header, " ");
    snprintf(out->scheme, sizeof(out->scheme), "%.*s", (int)n, header);
    for (char *c = out->scheme; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    param(header + n, "realm", out->realm, sizeof(out->realm));
    param(header + n, "service", out->service, sizeof(out->service));
    return 0;
}

static char *basic_header(const hoist_credential *cred)
{
    size_t n = strlen(cred->username) + 1 + strlen(cred->password);
    char *plain = malloc(n + 1);
    size_t b64_size = 4 * ((n + 2) / 3) + 1;
    char *header = malloc(b64_size + 32);
    if (!plain || !header) {
        free(plain);
        free(header);
        return NULL;
    }
    snprintf(plain, n + 1, "%s:%s", cred->username, cred->password);
    memcpy(header, "Authorization: Basic ", 21);
    hoist_b64_encode(plain, n, header + 21);
    explicit_bzero(plain, n);
    free(plain);
    return header;
}

static char *bearer_header(const char *token)
{
    size_t size = strlen(token) + 32;
    char *h = malloc(size);
    if (h)
        snprintf(h, size, "Authorization: Bearer %s", token);
    return h;
}

/* percent-encode for a query or form value */
static void escape(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (; *in && o + 4 < size; in++) {
        unsigned char c = (unsigned char)*in;
        if (isalnum(c) || strchr("-_.~", c))
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, size - o, "%%%02X", c);
    }
    out[o] = '\0';
}

int reg_authorize(reg_http *h, const reg_challenge *challenge, const char *scope, const hoist_credential *cred,
                  char **header, reg_response *resp, char *why, size_t why_size)
{
    *header = NULL;
    memset(resp, 0, sizeof(*resp));
    bool have_login = cred && cred->source != HOIST_CRED_NONE && (cred->username[0] || cred->password[0]);
    if (!strcmp(challenge->scheme, "basic")) {
        if (!have_login)
            return 0;
        *header = basic_header(cred);
        return *header ? 0 : -1;
    }
    if (strcmp(challenge->scheme, "bearer"))
        return 0;
    if (cred && cred->registry_token[0]) {
        *header = bearer_header(cred->registry_token);
        return *header ? 0 : -1;
    }
    if (!challenge->realm[0]) {
        snprintf(why, why_size, "the Bearer challenge names no realm");
        return -1;
    }
    char service[600] = "", scope_q[1200] = "", url[2600];
    escape(challenge->service, service, sizeof(service));
    escape(scope ? scope : "", scope_q, sizeof(scope_q));
    int rc;
    if (cred && cred->identity_token[0]) {
        /* OAuth2 refresh-token grant */
        char token_q[8192 * 3 + 1];
        escape(cred->identity_token, token_q, sizeof(token_q));
        size_t body_size = strlen(token_q) + strlen(service) + strlen(scope_q) + 128;
        char *body = malloc(body_size);
        if (!body)
            return -1;
        snprintf(body, body_size, "grant_type=refresh_token&client_id=hoist&service=%s&scope=%s&refresh_token=%s",
                 service, scope_q, token_q);
        explicit_bzero(token_q, sizeof(token_q));
        const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
        rc = reg_http_do(h, "POST", challenge->realm, hdrs, body, resp);
        explicit_bzero(body, strlen(body));
        free(body);
    } else {
        snprintf(url, sizeof(url), "%s%sservice=%s%s%s", challenge->realm, strchr(challenge->realm, '?') ? "&" : "?",
                 service, scope && *scope ? "&scope=" : "", scope && *scope ? scope_q : "");
        char *basic = have_login ? basic_header(cred) : NULL;
        const char *hdrs[] = {basic, NULL};
        rc = reg_http_do(h, "GET", url, basic ? hdrs : NULL, NULL, resp);
        hoist_registry_header_free(basic);
    }
    if (rc < 0) {
        snprintf(why, why_size, "the token realm %s could not be reached: %s", challenge->realm, resp->error);
        return -1;
    }
    if (resp->status != 200) {
        snprintf(why, why_size, "the token realm %s answered HTTP %ld", challenge->realm, resp->status);
        return -1;
    }
    _cleanup_json_ json_t *j = json_loadb(resp->body ? resp->body : "", resp->body_len, 0, NULL);
    const char *token = hoist_json_str(j, "token", hoist_json_str(j, "access_token", NULL));
    if (!token || !*token) {
        snprintf(why, why_size, "the token realm %s answered without a token", challenge->realm);
        return -1;
    }
    *header = bearer_header(token);
    json_t *t = json_object_get(j, json_object_get(j, "token") ? "token" : "access_token");
    explicit_bzero((char *)json_string_value(t), json_string_length(t));
    t = json_object_get(j, "access_token");
    if (json_is_string(t))
        explicit_bzero((char *)json_string_value(t), json_string_length(t));
    return *header ? 0 : -1;
}

int reg_token_actions(const char *authorization_header, const char *repo, char *out, size_t size)
{
    out[0] = '\0';
    const char *tok = strstr(authorization_header, "Bearer ");
    if (!tok)
        return -1;
    tok += 7;
    const char *dot1 = strchr(tok, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot2)
        return -1;
    size_t len = (size_t)(dot2 - dot1 - 1);
    char *b64 = malloc(len + 4);
    unsigned char *raw = malloc(len + 4);
    if (!b64 || !raw) {
        free(b64);
        free(raw);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        char c = dot1[1 + i];
        b64[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    size_t padded = len;
    while (padded % 4)
        b64[padded++] = '=';
    ssize_t n = hoist_b64_decode(b64, padded, raw);
    free(b64);
    if (n < 0) {
        free(raw);
        return -1;
    }
    while (n > 0 && raw[n - 1] == '\0')
        n--;
    json_t *claims = json_loadb((char *)raw, (size_t)n, 0, NULL);
    free(raw);
    if (!claims)
        return -1;
    size_t i;
    json_t *entry;
    json_array_foreach(json_object_get(claims, "access"), i, entry) {
        if (strcmp(hoist_json_str(entry, "type", ""), "repository") || strcmp(hoist_json_str(entry, "name", ""), repo))
            continue;
        size_t k;
        json_t *action;
        json_array_foreach(json_object_get(entry, "actions"), k, action) {
            if (!json_is_string(action))
                continue;
            size_t used = strlen(out);
            snprintf(out + used, size - used, "%s%s", used ? "," : "", json_string_value(action));
        }
    }
    json_decref(claims);
    return 0;
}
