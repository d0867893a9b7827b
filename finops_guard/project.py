"""A Pulumi project on disk: `Pulumi.yaml`, its stack config, and the interpreter it runs with."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ProjectError
from .yamlfile import LocatedYaml, load_located

#: What a secure config value becomes offline: we cannot decrypt it, and it must never be shown.
SECRET_PLACEHOLDER = "finops-preview-placeholder-secret"


@dataclass(frozen=True)
class Project:
    dir: Path
    name: str
    runtime: str
    main: Path
    virtualenv: Path | None
    toolchain: str
    #: project-level config defaults (`config:` in Pulumi.yaml), keys fully qualified
    defaults: Mapping[str, str]
    file: Path
    description: str | None = None

    def stack_files(self) -> list[str]:
        names = []
        for path in sorted(self.dir.glob("Pulumi.*.yaml")) + sorted(self.dir.glob("Pulumi.*.yml")):
            stack = path.name[len("Pulumi.") : -len(path.suffix)]
            if stack:
                names.append(stack)
        return names


@dataclass(frozen=True)
class StackConfig:
    name: str
    values: dict[str, str]
    secret_keys: frozenset[str]
    file: Path | None
    #: values that must never be printed (decrypted or given secrets)
    secret_values: frozenset[str] = field(default_factory=frozenset)


def _as_config_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, separators=(",", ":"))


def qualify(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def load_project(program_dir: Path) -> Project:
    program_dir = program_dir.resolve()
    if not program_dir.is_dir():
        raise ProjectError(f"{program_dir}: no such directory. Pass the directory that holds Pulumi.yaml.")
    path = program_dir / "Pulumi.yaml"
    if not path.exists() and (program_dir / "Pulumi.yml").exists():
        path = program_dir / "Pulumi.yml"
    if not path.exists():
        raise ProjectError(
            f"{program_dir} has no Pulumi.yaml: this is not a Pulumi project. "
            "Pass the directory that holds Pulumi.yaml (e.g. `finops-guard preview examples/reference-service`)."
        )
    doc = load_located(path)
    data = doc.data
    if not isinstance(data, dict):
        raise ProjectError(
            f"{doc.where('')}: expected a mapping with at least `name` and `runtime`, found {type(data).__name__}."
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ProjectError(
            f"{doc.where('name')}: `name` must be a non-empty string (the project name), found {name!r}."
        )
    runtime, options = _runtime(doc)
    if runtime != "python":
        raise ProjectError(
            f"{doc.where('runtime')}: runtime {runtime!r} is not supported offline; finops-guard runs Python programs. "
            'Run other languages with `pulumi preview --policy-pack "$(finops-guard pack-dir)"`.'
        )
    main = _main(doc, program_dir)
    virtualenv = options.get("virtualenv")
    toolchain = str(options.get("toolchain") or "pip")
    if virtualenv is not None and not isinstance(virtualenv, str):
        raise ProjectError(
            f"{doc.where('runtime.options.virtualenv')}: `virtualenv` must be a path, found {virtualenv!r}."
        )
    venv_path = (program_dir / virtualenv).resolve() if isinstance(virtualenv, str) and virtualenv else None
    description = data.get("description")
    return Project(
        program_dir,
        name,
        runtime,
        main,
        venv_path,
        toolchain,
        _defaults(doc, name),
        path,
        description=description if isinstance(description, str) else None,
    )


def _runtime(doc: LocatedYaml) -> tuple[str, dict[str, Any]]:
    raw = doc.data.get("runtime")
    if isinstance(raw, str):
        return raw, {}
    if isinstance(raw, dict):
        options = raw.get("options") or {}
        if not isinstance(options, dict):
            raise ProjectError(f"{doc.where('runtime.options')}: `runtime.options` must be a mapping.")
        return str(raw.get("name", "")), options
    raise ProjectError(
        f"{doc.where('runtime')}: `runtime` must be `python` or `{{name: python, options: ...}}`, found {raw!r}."
    )


def _main(doc: LocatedYaml, program_dir: Path) -> Path:
    raw = doc.data.get("main")
    if raw is None:
        target = program_dir
    elif isinstance(raw, str) and raw.strip():
        target = (program_dir / raw).resolve()
    else:
        raise ProjectError(f"{doc.where('main')}: `main` must be a path to the program, found {raw!r}.")
    if target.is_dir():
        if not (target / "__main__.py").exists():
            raise ProjectError(
                f"{doc.where('main')}: the program directory {target} has no __main__.py "
                "(a Python Pulumi program needs __main__.py, or `main:` naming a .py file)."
            )
        return target
    if target.is_file():
        return target
    raise ProjectError(f"{doc.where('main')}: `main` points at {target}, which does not exist.")


def _defaults(doc: LocatedYaml, project: str) -> dict[str, str]:
    raw = doc.data.get("config") or {}
    if not isinstance(raw, dict):
        raise ProjectError(f"{doc.where('config')}: `config` must be a mapping.")
    out: dict[str, str] = {}
    for key, value in raw.items():
        chosen = value
        if isinstance(value, dict) and ("default" in value or "value" in value):
            chosen = value.get("value", value.get("default"))
        elif isinstance(value, dict):
            continue  # a typed declaration without a default
        if chosen is not None:
            out[qualify(str(key), project)] = _as_config_string(chosen)
    return out


def choose_stack(project: Project, requested: str | None) -> str:
    stacks = project.stack_files()
    if requested:
        if requested not in stacks and stacks:
            raise ProjectError(
                f"unknown stack {requested!r}: {project.dir} has stack files for {', '.join(stacks)}. "
                f"Pick one with --stack, or create Pulumi.{requested}.yaml."
            )
        return requested
    if len(stacks) == 1:
        return stacks[0]
    if "dev" in stacks or not stacks:
        return "dev"
    raise ProjectError(f"{project.dir} has several stacks ({', '.join(stacks)}): choose one with --stack.")


def load_stack_config(project: Project, stack: str, overrides: Sequence[str] = ()) -> StackConfig:
    values = dict(project.defaults)
    secret_keys: set[str] = set()
    secret_values: set[str] = set()
    path = project.dir / f"Pulumi.{stack}.yaml"
    file: Path | None = None
    if path.exists():
        file = path
        doc = load_located(path)
        data = doc.data or {}
        if not isinstance(data, dict):
            raise ProjectError(f"{doc.where('')}: a stack file must be a mapping with a `config:` section.")
        config = data.get("config") or {}
        if not isinstance(config, dict):
            raise ProjectError(f"{doc.where('config')}: `config` must be a mapping of key: value.")
        for key, value in config.items():
            full = qualify(str(key), project.name)
            if isinstance(value, dict) and set(value) == {"secure"}:
                values[full] = SECRET_PLACEHOLDER
                secret_keys.add(full)
                continue
            values[full] = _as_config_string(_reveal_secure(value))
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ProjectError(f"--config {item!r}: expected key=value, e.g. --config aws:region=us-east-1.")
        values[qualify(key.strip(), project.name)] = value
    secret_values.update(v for k, v in values.items() if k in secret_keys)
    return StackConfig(stack, values, frozenset(secret_keys), file, frozenset(secret_values))


#: The stack config key whose object of strings becomes stack tags (apitype.PulumiTagsConfigKey).
TAGS_CONFIG_KEY = "pulumi:tags"


def stack_tags(project: Project, stack: StackConfig, given: Sequence[str] = ()) -> dict[str, str]:
    """The stack tags the engine hands policy packs (`AnalyzerStackConfigureRequest.tags`).

    As Pulumi Cloud has them at an update (pkg/backend/stack.go, GetMergedStackTags): the stack's
    own tags (`pulumi stack tag set`, here `--stack-tag KEY=VALUE`), overwritten by the tags of the
    environment: `pulumi:project`, `pulumi:runtime`, `pulumi:description` from Pulumi.yaml and
    the `pulumi:tags` config object. The `vcs:*` tags the CLI derives from git are not computed.
    """
    tags: dict[str, str] = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ProjectError(f"--stack-tag {item!r}: expected KEY=VALUE, e.g. --stack-tag team=payments.")
        tags[key.strip()] = value
    tags["pulumi:project"] = project.name
    tags["pulumi:runtime"] = project.runtime
    if project.description is not None:
        tags["pulumi:description"] = project.description
    raw = stack.values.get(TAGS_CONFIG_KEY)
    if raw is None:
        return tags
    where = f"{stack.file or project.file}: {TAGS_CONFIG_KEY}"
    try:
        configured = json.loads(raw)
    except ValueError:
        configured = None
    # The CLI's own messages for these (pkg/backend/stack.go).
    if not isinstance(configured, dict):
        raise ProjectError(f"{where} must be an object of strings, found {raw!r}.")
    for name, value in configured.items():
        if not isinstance(value, str):
            raise ProjectError(f"{where}[{name}] must be a string, found {json.dumps(value)}.")
        tags[name] = value
    return tags


def _reveal_secure(value: Any) -> Any:
    """Nested `{secure: ...}` values in structured config cannot be decrypted offline either."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER
        return {k: _reveal_secure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_reveal_secure(v) for v in value]
    return value


def program_interpreter(project: Project) -> list[str]:
    """The command that runs Python for this program, as the CLI's language host would pick it."""
    if project.virtualenv is not None:
        for candidate in (project.virtualenv / "bin" / "python", project.virtualenv / "Scripts" / "python.exe"):
            if candidate.exists():
                return [str(candidate)]
        raise ProjectError(
            f"{project.file}: runtime.options.virtualenv is {project.virtualenv}, which does not exist. Create it "
            f"with `python -m venv {project.virtualenv} && {project.virtualenv}/bin/pip install -r requirements.txt`."
        )
    if project.toolchain == "poetry":
        poetry = shutil.which("poetry")
        if poetry is None:
            raise ProjectError(f"{project.file}: toolchain is poetry, but `poetry` is not on PATH.")
        found = subprocess.run(
            [poetry, "env", "info", "--executable"], cwd=project.dir, capture_output=True, text=True, check=False
        )
        if found.returncode != 0 or not found.stdout.strip():
            raise ProjectError(f"{project.file}: `poetry env info` found no environment; run `poetry install` first.")
        return [found.stdout.strip()]
    if project.toolchain == "uv":
        venv = project.dir / ".venv" / "bin" / "python"
        if venv.exists():
            return [str(venv)]
    return [_ambient_python()]


def _ambient_python() -> str:
    """The Python a program without a declared virtualenv runs with.

    The CLI runs such a program with `$PULUMI_PYTHON_CMD`, else `python3`, found on PATH: the
    virtualenv the user activated. finops-guard itself may live elsewhere (pipx, another venv),
    so its own interpreter is only the last resort, when nothing was activated or asked for.
    """
    explicit = os.environ.get("FINOPS_GUARD_PYTHON")
    if explicit:
        return explicit
    command = os.environ.get("PULUMI_PYTHON_CMD")
    if command:
        found = shutil.which(command)
        if found is None:
            raise ProjectError(f"PULUMI_PYTHON_CMD is {command!r}, which is not on PATH.")
        return found
    active = os.environ.get("VIRTUAL_ENV")
    if active:
        for candidate in (Path(active) / "bin" / "python", Path(active) / "Scripts" / "python.exe"):
            if candidate.exists():
                return str(candidate)
    return sys.executable
