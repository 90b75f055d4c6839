"""The Python half of kiln-serve, compiled into the kiln-serve binary.

It loads an Azure ML entry script unchanged, decides how run() takes its input
(the way azureml-inference-server-http decides it), provides the
`azureml.contrib.services.aml_request` / `aml_response` modules that @rawhttp
scripts import, builds the swagger documents, and turns what run() returns
into a response. The C++ side calls run() itself, so this module is off the
hot path except for `encode`.
"""

import importlib
import importlib.util
import inspect
import json
import os
import sys
import traceback
import types
from urllib.parse import parse_qsl

_raw_requested = False


class BadInput(Exception):
    """The request cannot be given to run(); carries the HTTP status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------- @rawhttp API


def rawhttp(func):
    """Marks run() as wanting the whole HTTP request (Azure ML's decorator)."""
    global _raw_requested
    _raw_requested = True
    return func


class Headers:
    """Case-insensitive, multi-valued headers, like werkzeug's Headers."""

    def __init__(self, items=None):
        self._items = []
        if items:
            for k, v in items.items() if hasattr(items, "items") else items:
                self._items.append((str(k), str(v)))

    def get(self, key, default=None, type=None):
        lk = key.lower()
        for k, v in self._items:
            if k.lower() == lk:
                return type(v) if type else v
        return default

    def getlist(self, key):
        lk = key.lower()
        return [v for k, v in self._items if k.lower() == lk]

    get_all = getlist

    def __getitem__(self, key):
        v = self.get(key)
        if v is None:
            raise KeyError(key)
        return v

    def __setitem__(self, key, value):
        self.set(key, value)

    def set(self, key, value):
        self.remove(key)
        self._items.append((str(key), str(value)))

    def add(self, key, value):
        self._items.append((str(key), str(value)))

    add_header = add

    def remove(self, key):
        lk = key.lower()
        self._items = [(k, v) for k, v in self._items if k.lower() != lk]

    def __delitem__(self, key):
        self.remove(key)

    def __contains__(self, key):
        return self.get(key) is not None

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def keys(self):
        return [k for k, _ in self._items]

    def values(self):
        return [v for _, v in self._items]

    def items(self):
        return list(self._items)

    def to_wsgi_list(self):
        return list(self._items)

    def __repr__(self):
        return f"Headers({self._items!r})"


class Args(dict):
    """Query parameters: first value by key, all values with getlist()."""

    def __init__(self, pairs):
        super().__init__()
        self._lists = {}
        for k, v in pairs:
            self._lists.setdefault(k, []).append(v)
            if k not in self:
                dict.__setitem__(self, k, v)

    def getlist(self, key):
        return list(self._lists.get(key, []))

    def get(self, key, default=None, type=None):
        if key not in self:
            return default
        v = dict.__getitem__(self, key)
        return type(v) if type else v


class AMLRequest:
    """What a @rawhttp run() receives: the parts of flask's Request that
    Azure ML scoring scripts use (method, path, args, headers, get_data(),
    get_json(), ...)."""

    def __init__(self, method="GET", path="/score", query="", headers=(), body=b"", remote_addr=None):
        self.method = method
        self.path = path
        self.query_string = query.encode("latin-1") if isinstance(query, str) else query
        self.full_path = f"{path}?{self.query_string.decode('latin-1')}"
        self.headers = Headers(headers)
        self.args = Args(parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True))
        self._body = body
        self.remote_addr = remote_addr
        self.environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
        host = self.headers.get("Host", "localhost")
        self.host = host
        self.host_url = f"http://{host}/"
        self.base_url = f"http://{host}{path}"
        self.url = self.base_url + (f"?{self.query_string.decode('latin-1')}" if self.query_string else "")

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    @property
    def mimetype(self):
        ct = self.content_type or ""
        return ct.split(";", 1)[0].strip().lower()

    @property
    def content_length(self):
        return len(self._body)

    @property
    def is_json(self):
        mt = self.mimetype
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    def get_data(self, cache=True, as_text=False, parse_form_data=False):
        return self._body.decode("utf-8", "replace") if as_text else self._body

    @property
    def data(self):
        return self._body

    def get_json(self, force=False, silent=False, cache=True):
        if not (force or self.is_json):
            if silent:
                return None
            raise BadInput(415, "Expects Content-Type to be application/json")
        try:
            return json.loads(self._body)
        except ValueError:
            if silent:
                return None
            raise BadInput(400, "The request body is not valid JSON")

    @property
    def json(self):
        return self.get_json()

    @property
    def form(self):
        if self.mimetype == "application/x-www-form-urlencoded":
            return Args(parse_qsl(self._body.decode("latin-1"), keep_blank_values=True))
        return Args([])

    @property
    def files(self):
        return {}

    def __repr__(self):
        return f"<AMLRequest '{self.url}' [{self.method}]>"


class AMLResponse:
    """A response run() builds itself: AMLResponse(body, status, headers)."""

    def __init__(self, message, status_code, response_headers=None, json_str=False, run_function_failed=False):
        self.status_code = int(status_code)
        self.headers = Headers()
        if message is None:
            self.set_data(json.dumps({}))
            self.headers.set("Content-Type", "application/json")
        elif json_str:
            self.set_data(json.dumps(message))
            self.headers.set("Content-Type", "application/json")
        else:
            self.set_data(message)
            self.headers.set("Content-Type", "text/html; charset=utf-8")
        self.headers.set("x-ms-run-function-failed", str(bool(run_function_failed)))
        # Repeated header values are comma-separated, as in Azure ML.
        for header, value in (response_headers or {}).items():
            if header.lower() == "content-type":
                self.headers.set(header, value)
                continue
            for v in str(value).split(","):
                self.headers.add(header, v.strip())

    def set_data(self, value):
        if isinstance(value, str):
            value = value.encode("utf-8")
        elif not isinstance(value, (bytes, bytearray)):
            value = b"".join(x if isinstance(x, bytes) else str(x).encode("utf-8") for x in value)
        self._data = bytes(value)

    def get_data(self, as_text=False):
        return self._data.decode("utf-8") if as_text else self._data

    @property
    def data(self):
        return self._data

    @data.setter
    def data(self, value):
        self.set_data(value)

    @property
    def status(self):
        return str(self.status_code)

    @property
    def mimetype(self):
        return (self.headers.get("Content-Type") or "").split(";", 1)[0]

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    @content_type.setter
    def content_type(self, value):
        self.headers.set("Content-Type", value)


def _ensure_package(name):
    module = sys.modules.get(name)
    if module is not None:
        return module
    try:
        return importlib.import_module(name)
    except ImportError:
        module = types.ModuleType(name)
        module.__path__ = []
        sys.modules[name] = module
        parent, _, leaf = name.rpartition(".")
        if parent:
            setattr(_ensure_package(parent), leaf, module)
        return module


def install_azureml_modules():
    """Makes `from azureml.contrib.services.aml_request import rawhttp` and
    `...aml_response import AMLResponse` resolve to this module's classes,
    keeping any other azureml.* package installed untouched (what the
    reference server does with its own copies)."""
    request_mod = types.ModuleType("azureml.contrib.services.aml_request")
    request_mod.rawhttp = rawhttp
    request_mod.AMLRequest = AMLRequest
    response_mod = types.ModuleType("azureml.contrib.services.aml_response")
    response_mod.AMLResponse = AMLResponse
    services = _ensure_package("azureml.contrib.services")
    sys.modules[request_mod.__name__] = request_mod
    sys.modules[response_mod.__name__] = response_mod
    services.aml_request = request_mod
    services.aml_response = response_mod


# ---------------------------------------------------------------- the script


def _schema_decorated(func):
    try:
        from inference_schema.schema_util import is_schema_decorated
    except ImportError:
        return False
    return is_schema_decorated(func)


def _raw_from_reference_server():
    # A script may import the decorator from azureml_inference_server_http itself.
    mod = sys.modules.get("azureml_inference_server_http.api.aml_request")
    return bool(getattr(mod, "_rawHttpRequested", False))


class Script:
    """The loaded entry script and how to call its run()."""

    def __init__(self, path):
        self.path = path
        spec = importlib.util.spec_from_file_location("entry_module", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name in ("init", "run"):
            if not hasattr(module, name):
                raise RuntimeError(f"The entry script {path} does not define {name}()")
        self.module = module
        self.init = module.init
        # Azure SDK "driver" scripts forward to the real score script's run().
        driver = getattr(module, "driver_module", None)
        if isinstance(driver, types.ModuleType) and hasattr(driver, "run"):
            self.run = driver.run
        else:
            self.run = module.run
        self._analyse()

    def _analyse(self):
        params = list(inspect.signature(self.run).parameters.values())
        if any(p.kind not in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
            raise RuntimeError("run() cannot accept positional-only arguments, *args or **kwargs")
        self.wants_headers = any(p.name == "request_headers" for p in params)
        params = [p for p in params if p.name != "request_headers"]
        if not params:
            raise RuntimeError("run() needs to accept an argument for its input")
        self.params = params
        self.first = params[0].name
        raw = _raw_requested or _raw_from_reference_server()
        schema = _schema_decorated(self.run)
        if raw and schema:
            raise RuntimeError("run() cannot be decorated with both @rawhttp and @input_schema")
        self.mode = "raw" if raw else ("object" if schema else "json")

    def prepare(self, method, path, query, headers, body):
        """The keyword arguments for run() for any request but the hot one
        (a plain run() POSTed a body, which C++ handles itself)."""
        kwargs = {}
        if self.mode == "raw":
            kwargs[self.first] = AMLRequest(method, path, query, headers, body)
        elif method == "GET":
            parsed = {}
            for k, v in parse_qsl(query, keep_blank_values=True):
                try:
                    v = json.loads(v)
                except ValueError:
                    pass
                parsed.setdefault(k, []).append(v)
            parsed = {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}
            if self.mode == "json":
                kwargs[self.first] = json.dumps(parsed)
            else:
                kwargs.update(self._extract(parsed))
        elif self.mode == "json":
            try:
                kwargs[self.first] = body.decode("utf-8")
            except UnicodeDecodeError as ex:
                raise BadInput(400, f"Input cannot be decoded as UTF-8: {ex}") from None
        else:
            # As the reference server: only a JSON syntax error is a 400; a
            # body json.loads cannot even decode is an internal error (500).
            try:
                parsed = json.loads(body)
            except json.JSONDecodeError as ex:
                if body:
                    raise BadInput(400, f"POST body could not be decoded as JSON: {ex}") from None
                raise BadInput(400, "POST body is empty. Expecting a JSON dictionary.") from None
            if not isinstance(parsed, dict):
                raise BadInput(400, "POST body should be a JSON dictionary.")
            kwargs.update(self._extract(parsed))
        if self.wants_headers:
            kwargs["request_headers"] = wsgi_headers(headers)
        return kwargs

    def _extract(self, body):
        out = {}
        for p in self.params:
            value = body.get(p.name, p.default)
            if value is inspect.Parameter.empty:
                raise BadInput(400, f"A value is not provided for the {p.name!r} parameter.")
            out[p.name] = value
        return out


def wsgi_headers(headers):
    """The headers as the dict the reference server passes as
    `request_headers`: names as WSGI spells them (Content-Type,
    X-Custom-Header, whatever the client's case), repeated ones joined with
    a comma, empty Content-Type / Content-Length left out."""
    out = {}
    for name, value in headers:
        key = name.replace("_", "-").title()
        if key in ("Content-Type", "Content-Length") and not value:
            continue
        out[key] = f"{out[key]},{value}" if key in out else value
    return out


def _configure_logging():
    # Scripts log with the logging module and expect to see it in the
    # container's log; with no handler configured Python would drop INFO.
    import logging

    root = logging.getLogger()
    if root.handlers:
        return
    level = os.environ.get("AZUREML_LOG_LEVEL", "INFO").upper()
    try:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    except ValueError:
        logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _importable(name):
    # find_spec of "a.b" imports the package "a" but does not run "a.b".
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def install_model_module(source, app_root):
    """`from azureml.core.model import Model` for Model.get_model_path():
    azureml-core's own module when it is installed, else the stand-in
    compiled into kiln-serve (azureml_model.py, passed in as `source`). Both
    look for models under $AML_APP_ROOT/azureml-models, so AML_APP_ROOT is
    set to the application root kiln-serve uses when the environment has
    none (the reference server sets it too)."""
    os.environ.setdefault("AML_APP_ROOT", app_root)
    if _importable("azureml.core"):
        return
    name = "azureml.core.model"
    module = types.ModuleType(name)
    module.__file__ = "<kiln-serve>/azureml/core/model.py"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    sys.modules[name] = module
    core = _ensure_package("azureml.core")
    core.model = module
    core.Model = module.Model
    if not _importable("azureml.exceptions"):
        exceptions = types.ModuleType("azureml.exceptions")
        exceptions.WebserviceException = module.WebserviceException
        exceptions.ModelNotFoundException = module.ModelNotFoundException
        sys.modules[exceptions.__name__] = exceptions
        _ensure_package("azureml").exceptions = exceptions


def load(path, app_root="", model_source=None):
    _configure_logging()
    if model_source is not None:
        install_model_module(model_source, app_root)
    install_azureml_modules()
    return Script(path)


# ---------------------------------------------------------------- responses

_JSON_TYPES = (list, dict, str, int, float, bool)


class EncodeError(Exception):
    """What run() returned cannot be encoded as JSON (a 500, as in the
    reference server, but not run()'s failure)."""


def _tolist(obj):
    # numpy arrays and scalars, pandas objects, torch tensors...: anything
    # with tolist() becomes the plain value it describes.
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _is_response(obj):
    return hasattr(obj, "status_code") and hasattr(obj, "headers") and hasattr(obj, "get_data")


def _dumps(result):
    # json.dumps as the reference server calls it; only what it refuses is
    # tried again with tolist(), so every answer it gives stays the same.
    try:
        return json.dumps(result)
    except (TypeError, ValueError):
        pass
    try:
        return json.dumps(result, default=_tolist)
    except (TypeError, ValueError, RecursionError) as ex:
        raise EncodeError(f"run() returned a value that cannot be encoded as JSON: {ex}") from ex


def encode(result):
    """What run() returned, as either a JSON text (the usual case, encoded like
    the reference server: json.dumps, None as {}) or (status, [(name, value)],
    bytes) for a response object run() built itself (AMLResponse or a flask
    Response)."""
    if result is None:
        return "{}"
    if isinstance(result, _JSON_TYPES):
        return _dumps(result)
    if _is_response(result):
        headers = result.headers
        items = headers.to_wsgi_list() if hasattr(headers, "to_wsgi_list") else list(headers.items())
        items = [(str(k), str(v)) for k, v in items if str(k).lower() != "content-length"]
        status = int(result.status_code)
        if status >= 500:
            # As the reference server: a failing response is flagged as run()'s failure.
            flagged = [(k, "True" if k.lower() == "x-ms-run-function-failed" else v) for k, v in items]
            if flagged == items and not any(k.lower() == "x-ms-run-function-failed" for k, _ in items):
                flagged.append(("x-ms-run-function-failed", "True"))
            items = flagged
        return (status, items, bytes(result.get_data()))
    return _dumps(result)


def describe(exc, tb=None):
    """(type name, message, traceback text) of an exception run() raised."""
    if tb is None:
        tb = exc.__traceback__
    tb = "".join(traceback.format_exception(type(exc), exc, tb))
    return (type(exc).__name__, str(exc), tb)


# ---------------------------------------------------------------- swagger


def _error_schema():
    return {
        "type": "object",
        "properties": {"message": {"type": "string"}},
    }


def _swagger2(service_name, version, input_schema, output_schema):
    return {
        "swagger": "2.0",
        "info": {
            "title": service_name,
            "description": f"API specification for the Azure Machine Learning service {service_name}",
            "version": version,
        },
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "securityDefinitions": {
            "Bearer": {"type": "apiKey", "name": "Authorization", "in": "header",
                       "description": "For example: Bearer abc123"}
        },
        "paths": {
            "/": {"get": {
                "operationId": "ServiceHealthCheck",
                "description": "Health check: 'Healthy' while the service is up.",
                "responses": {"200": {"description": "Healthy", "schema": {"type": "string"}}},
            }},
            "/score": {"post": {
                "operationId": "RunMLService",
                "description": "Run the model and return its prediction.",
                "security": [{"Bearer": []}],
                "parameters": [{"name": "serviceInputPayload", "in": "body", "required": True,
                                "schema": {"$ref": "#/definitions/ServiceInput"}}],
                "responses": {
                    "200": {"description": "The prediction.", "schema": {"$ref": "#/definitions/ServiceOutput"}},
                    "default": {"description": "An error.", "schema": {"$ref": "#/definitions/ErrorResponse"}},
                },
            }},
        },
        "definitions": {"ServiceInput": input_schema, "ServiceOutput": output_schema,
                        "ErrorResponse": _error_schema()},
    }


def _swagger3(service_name, version, input_schema, output_schema):
    def content(ref):
        return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}

    return {
        "openapi": "3.0.3",
        "info": {
            "title": service_name,
            "description": f"API specification for the Azure Machine Learning service {service_name}",
            "version": version,
        },
        "security": [{"Bearer": []}],
        "paths": {
            "/": {"get": {
                "operationId": "ServiceHealthCheck",
                "description": "Health check: 'Healthy' while the service is up.",
                "responses": {"200": {"description": "Healthy",
                                      "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }},
            "/score": {"post": {
                "operationId": "RunMLService",
                "description": "Run the model and return its prediction.",
                "requestBody": {"description": "The input payload.", "required": True,
                                "content": content("ServiceInput")},
                "responses": {
                    "200": {"description": "The prediction.", "content": content("ServiceOutput")},
                    "default": {"description": "An error.", "content": content("ErrorResponse")},
                },
            }},
        },
        "components": {
            "securitySchemes": {"Bearer": {"type": "http", "scheme": "bearer",
                                           "description": "For example: Bearer abc123"}},
            "schemas": {"ServiceInput": input_schema, "ServiceOutput": output_schema,
                        "ErrorResponse": _error_schema()},
        },
    }


_SWAGGER_KEYS = {"2": "2", "2.0": "2", "3": "3", "3.0": "3", "3.1": "31"}


def swagger_documents(script, service_name, version, search_dirs):
    """{"2": text or None, "3": ..., "31": ...} (31: OpenAPI 3.1): a swagger
    file the user ships (swagger.json / swagger2.json / swagger3.json /
    swagger3.1.json in the app root or the script's directory) wins;
    otherwise the schema comes from the inference-schema decorators, or is a
    generic object. None for a version the decorators do not support."""
    docs = {}
    files = {"2": ("swagger2.json", "swagger.json"), "3": ("swagger3.json",), "31": ("swagger3.1.json",)}
    for v, names in files.items():
        for d in search_dirs:
            for n in names:
                p = os.path.join(d, n)
                if d and os.path.isfile(p):
                    with open(p, encoding="utf-8") as f:
                        docs.setdefault(v, json.dumps(json.load(f)))
    run = script.run
    input_schema = output_schema = {"type": "object", "example": {}}
    supported = {"2", "3", "31"}
    if script.mode == "object":
        from inference_schema.schema_util import get_input_schema, get_output_schema, get_supported_versions

        input_schema = get_input_schema(run)
        output_schema = get_output_schema(run)
        supported = {_SWAGGER_KEYS[str(v)] for v in get_supported_versions(run) if str(v) in _SWAGGER_KEYS}
    if "2" not in docs:
        docs["2"] = json.dumps(_swagger2(service_name, version, input_schema, output_schema)) if "2" in supported else None
    for key, openapi in (("3", "3.0.3"), ("31", "3.1.0")):
        if key not in docs and key in supported:
            doc = _swagger3(service_name, version, input_schema, output_schema)
            doc["openapi"] = openapi
            docs[key] = json.dumps(doc)
        docs.setdefault(key, None)
    return docs
