/*
 * tmpl_python.c - the Python template: a virtual environment in /opt/venv
 * built in the builder stage, dependencies installed from the pinned list
 * before the sources are copied, and the venv plus the application copied
 * into the runtime stage.
 *
 * Facts: TOOL_A requirements.txt (pip), TOOL_B Pipfile (pipenv exports the
 * lock), TOOL_C poetry (poetry exports the lock), TOOL_D PEP 621
 * pyproject.toml alone (pip installs the project with its dependencies);
 * EXTRA_A the project itself is installed after its dependencies (it
 * declares a console script). pipenv and poetry run from their own venvs so
 * that they do not end up in the application's.
 */
#include "gen/template.h"

#include <string.h>

#define EXEC HOIST_DF_FORM_EXEC
#define PROD GEN_F_PROD
#define DEV GEN_F_DEV
#define PIP GEN_F_TOOL_A
#define PIPENV GEN_F_TOOL_B
#define POETRY GEN_F_TOOL_C
#define PEP621 GEN_F_TOOL_D
#define INSTALL_SELF GEN_F_EXTRA_A
#define BK GEN_F_BUILDKIT

static const gen_step python_steps[] = {
    {.when = PROD, .comment = "{{header}}", .keyword = "FROM", .args = {"{{builder}}", "AS", "build"}},
    {.when = DEV, .comment = "{{header}}", .keyword = "FROM", .args = {"{{builder}}", "AS", "dev"}},
    {.when = DEV, .keyword = "ENV", .args = {"HOME=/home/dev"}},
    {.when = PROD, .keyword = "WORKDIR", .args = {"/app"}},
    {.when = DEV, .keyword = "WORKDIR", .args = {"/app"}},
    {.when = PROD, .comment = "The application's own environment, copied whole into the runtime stage.",
     .keyword = "RUN", .args = {"python -m venv /opt/venv"}},
    {.when = DEV, .keyword = "RUN",
     .args = {"python -m venv /opt/venv && mkdir -p /home/dev && chown -R {{user}} /opt/venv /home/dev /app"}},
    {.when = DEV, .keyword = "USER", .args = {"{{user}}"}},
    {.keyword = "ENV", .args = {"PATH=/opt/venv/bin:$PATH", "PIP_DISABLE_PIP_VERSION_CHECK=1"}},
    {.when = PROD | GEN_F_MANIFESTS, .unless = PEP621,
     .comment = "Dependencies first: reused until the pinned list changes.", .keyword = "COPY",
     .args = {"{{@manifests}}", "./"}},
    {.when = DEV | GEN_F_MANIFESTS, .unless = PEP621, .keyword = "COPY",
     .flags = {"--chown={{user}}"}, .args = {"{{@manifests}}", "./"}},
    {.when = PIP, .unless = BK, .keyword = "RUN",
     .args = {"pip install --no-cache-dir -r requirements.txt"}},
    {.when = PIP | BK, .keyword = "RUN", .flags = {"--mount=type=cache,target=/root/.cache/pip"},
     .args = {"pip install -r requirements.txt"}},
    {.when = PIPENV, .keyword = "RUN",
     .args = {"python -m venv /tmp/pipenv && /tmp/pipenv/bin/pip install --no-cache-dir "
              "pipenv==2024.0.2 && /tmp/pipenv/bin/pipenv requirements > /tmp/requirements.txt "
              "&& pip install --no-cache-dir -r /tmp/requirements.txt && rm -rf /tmp/pipenv"}},
    {.when = POETRY, .keyword = "RUN",
     .args = {"python -m venv /tmp/poetry && /tmp/poetry/bin/pip install --no-cache-dir "
              "poetry==1.8.3 && /tmp/poetry/bin/poetry export --without-hashes --only main "
              "-o /tmp/requirements.txt && pip install --no-cache-dir -r /tmp/requirements.txt "
              "&& rm -rf /tmp/poetry"}},
    {.when = PROD, .keyword = "COPY", .args = {".", "."}},
    {.when = DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {".", "."}},
    {.when = PEP621, .keyword = "RUN", .args = {"pip install --no-cache-dir ."}},
    {.when = INSTALL_SELF, .unless = PEP621, .keyword = "RUN",
     .args = {"pip install --no-cache-dir --no-deps ."}},

    /* prod: runtime stage */
    {.when = PROD, .comment = "Runtime: the virtual environment and the application.",
     .keyword = "FROM", .args = {"{{runtime}}"}},
    {.when = PROD, .keyword = "ENV",
     .args = {"PATH=/opt/venv/bin:$PATH", "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1"}},
    {.when = PROD, .keyword = "WORKDIR", .args = {"/app"}},
    {.when = PROD, .keyword = "COPY", .flags = {"--from=build"}, .args = {"/opt/venv", "/opt/venv"}},
    {.when = PROD, .keyword = "COPY", .flags = {"--from=build"}, .args = {"/app", "/app"}},
    {.when = PROD, .keyword = "USER", .args = {"{{user}}"}},
    {.when = GEN_F_PORT, .keyword = "EXPOSE", .args = {"{{port}}"}},
    {.when = PROD | GEN_F_COMMAND, .keyword = "ENTRYPOINT", .form = EXEC, .args = {"{{@command}}"}},
    {.when = DEV | GEN_F_COMMAND, .keyword = "CMD", .form = EXEC, .args = {"{{@command}}"}},
};

static const char *const python_ignore[] = {
    "# Python: virtual environments, caches and build outputs",
    ".venv",
    "venv",
    "**/__pycache__",
    "**/*.py[cod]",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    ".coverage",
    "htmlcov",
    "**/*.egg-info",
    "build",
    "dist",
    NULL,
};

static int python_prepare(gen_ctx *ctx, hoist_error *err)
{
    (void)err;
    const hoist_gen_project *p = ctx->project;
    const char *tool = p->tool;
    bool pep621 = !strcmp(tool, "pip") && !p->lockfile;
    ctx->facts |= pep621 ? PEP621 : !strcmp(tool, "pipenv") ? PIPENV
                                  : !strcmp(tool, "poetry") ? POETRY : PIP;
    bool console_script = p->command_count == 1;
    if (console_script)
        ctx->facts |= INSTALL_SELF;
    if (pep621)
        gen_choice(ctx, "install", "pip install .",
                   "pyproject.toml without a lockfile: the project is installed with its "
                   "dependencies after the sources are copied");
    else if (!strcmp(tool, "pipenv"))
        gen_choice(ctx, "install", "pipenv requirements | pip install -r",
                   "Pipfile.lock exported and installed by pip into /opt/venv; pipenv itself is "
                   "removed");
    else if (!strcmp(tool, "poetry"))
        gen_choice(ctx, "install", "poetry export | pip install -r",
                   "poetry.lock exported (main group only) and installed by pip into /opt/venv; "
                   "poetry itself is removed");
    else
        gen_choice(ctx, "install", "pip install -r requirements.txt",
                   "into a virtual environment that is copied whole into the runtime stage");
    if (console_script)
        gen_choice(ctx, "entrypoint", p->command[0],
                   "the console script the project declares, installed with pip install --no-deps .");
    else if (p->command_count)
        gen_choice(ctx, "entrypoint", p->entry, "run by python directly, exec form");
    return 0;
}

const gen_lang_template gen_template_python = {
    .lang = HOIST_GEN_LANG_PYTHON,
    .prepare = python_prepare,
    .steps = python_steps,
    .step_count = sizeof(python_steps) / sizeof(python_steps[0]),
    .ignore_lines = python_ignore,
};
