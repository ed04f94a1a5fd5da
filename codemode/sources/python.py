"""`PythonTools`: typed Python functions as one namespace of tools.

Types are the schema: the arguments' JSON Schema comes from the type hints via pydantic, the description
from the docstring, the output schema from the return annotation. Arguments are validated on the host
before the call, so a bad call never reaches the function and the model gets a precise message.

```python
crm = PythonTools("crm")

@crm.tool
async def find_customer(name: str, limit: int = 10) -> list[Customer]:
    \"\"\"Find customers whose name contains `name`.\"\"\"
```
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, get_args, get_origin, get_type_hints, overload

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model
from pydantic.fields import FieldInfo
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticUndefined, to_jsonable_python

from codemode.errors import ToolDefinitionError, ToolError
from codemode.sources.docstrings import parse_docstring
from codemode.sources.protocol import ChangeListeners, SourceStatus, ToolInfo, namespace_identifier
from codemode.validation_messages import describe_validation_error
from tool_schemas import sanitize_identifier

__all__ = ["PythonTools"]

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class _NoFieldTitles(GenerateJsonSchema):
    """Pydantic's schema without the `title` it invents for every field (noise in the declarations)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


@dataclass(frozen=True)
class _Registered:
    """One registered function with everything needed to call it."""

    info: ToolInfo
    function: Callable[..., Any]
    arguments: type[BaseModel]
    parameters: tuple[tuple[str, str, bool], ...]
    """(model field, parameter name, positional-only) per parameter, in signature order."""
    is_async: bool


class PythonTools:
    """A namespace of typed Python functions; implements `ToolSource`."""

    def __init__(self, namespace: str, description: str | None = None) -> None:
        self.namespace = namespace_identifier(namespace)
        """The guest identifier of this namespace."""
        self.description = description
        """What the namespace is for, if given."""
        self._tools: dict[str, _Registered] = {}
        self._listeners = ChangeListeners(f"python tools `{self.namespace}`")

    @overload
    def tool(self, function: F, /) -> F: ...
    @overload
    def tool(
        self,
        function: None = None,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        read_only: bool | None = None,
        destructive: bool | None = None,
        approve: bool = False,
    ) -> Callable[[F], F]: ...
    def tool(
        self,
        function: Callable[..., Any] | None = None,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        read_only: bool | None = None,
        destructive: bool | None = None,
        approve: bool = False,
    ) -> Any:
        """Register a function as a tool: `@tools.tool` or `@tools.tool(name=..., read_only=True)`.

        `read_only` and `destructive` become the MCP annotations `readOnlyHint` and
        `destructiveHint`, which the declarations show the model. `approve=True` asks a person
        before each call a program makes (see `codemode.approvals`). The function is returned
        unchanged, so it stays callable from Python.
        """
        if function is not None:
            self.add(function)
            return function

        def register(fn: F) -> F:
            self.add(
                fn,
                name=name,
                description=description,
                read_only=read_only,
                destructive=destructive,
                approve=approve,
            )
            return fn

        return register

    def add(
        self,
        function: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        read_only: bool | None = None,
        destructive: bool | None = None,
        approve: bool = False,
    ) -> None:
        """Register `function` under `name` (default: its `__name__`)."""
        original = name or getattr(function, "__name__", None)
        if not original:
            raise ToolDefinitionError(f"cannot register {function!r}: it has no __name__; pass name=...")
        hints = {"readOnlyHint": read_only, "destructiveHint": destructive}
        annotations = {key: value for key, value in hints.items() if value is not None} or None
        registered = _build(self.namespace, original, function, description, annotations)
        if approve:
            registered = dataclasses.replace(
                registered, info=dataclasses.replace(registered.info, needs_approval=True)
            )
        if registered.info.name in self._tools:
            other = self._tools[registered.info.name].info.original_name
            raise ToolDefinitionError(
                f"python tool `{self.namespace}.{registered.info.name}` is registered twice "
                f"({other!r} and {original!r}); pass a different name=..."
            )
        self._tools[registered.info.name] = registered
        self._listeners.notify()

    async def start(self) -> None:
        """Nothing to start: the functions are here."""

    async def aclose(self) -> None:
        """Nothing to release."""

    def tools(self) -> list[ToolInfo]:
        """The registered tools, in registration order."""
        return [registered.info for registered in self._tools.values()]

    def status(self) -> SourceStatus:
        """Always ready."""
        return SourceStatus(self.namespace, "ready", len(self._tools))

    def on_change(self, listener: Callable[[], None]) -> None:
        """`listener` is called when a tool is registered."""
        self._listeners.add(listener)

    async def call(self, name: str, arguments: dict[str, Any]) -> Any:
        """Validate `arguments`, call the function (sync ones in a thread), return a JSON-able value."""
        registered = self._tools[name]  # the Toolbox checked the name
        qualified = registered.info.qualified_name
        try:
            validated = registered.arguments.model_validate(arguments)
        except ValidationError as error:
            accepted = [parameter for _, parameter, _ in registered.parameters]
            raise ToolError(describe_validation_error(qualified, error, accepted)) from None
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for field_name, parameter, positional_only in registered.parameters:
            value = getattr(validated, field_name)
            if positional_only:
                args.append(value)
            else:
                kwargs[parameter] = value
        try:
            if registered.is_async:
                result = await registered.function(*args, **kwargs)
            else:
                result = await anyio.to_thread.run_sync(
                    functools.partial(registered.function, *args, **kwargs)
                )
        except ToolError:
            raise
        except Exception as error:
            logger.exception("python tool `%s` raised", qualified)
            raise ToolError(f"tool `{qualified}` failed: {type(error).__name__}: {error}") from error
        try:
            return to_jsonable_python(result)
        except Exception as error:
            raise ToolError(
                f"tool `{qualified}` returned a {type(result).__name__}, "
                f"which cannot be converted to JSON: {error}"
            ) from error


def _build(
    namespace: str,
    original: str,
    function: Callable[..., Any],
    description: str | None,
    annotations: dict[str, Any] | None = None,
) -> _Registered:
    """Signature and docstring -> argument model, schemas and `ToolInfo`."""
    where = f"python tool `{namespace}.{original}` ({getattr(function, '__qualname__', original)})"
    try:
        signature = inspect.signature(function)
        hints = get_type_hints(function, include_extras=True)
    except (TypeError, ValueError, NameError) as error:
        raise ToolDefinitionError(f"{where}: cannot read its signature or type hints: {error}") from error
    docs = parse_docstring(inspect.getdoc(function))
    fields: dict[str, Any] = {}
    parameters: list[tuple[str, str, bool]] = []
    for index, parameter in enumerate(signature.parameters.values()):
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise ToolDefinitionError(
                f"{where}: parameter `{parameter.name}` is variadic (*args/**kwargs); "
                "tools take named arguments only: list each one with a type hint"
            )
        annotation = hints.get(parameter.name, Any)
        field_name = f"p{index}"
        documented = docs.arguments.get(parameter.name)
        default: Any = parameter.default if parameter.default is not parameter.empty else ...
        if isinstance(default, FieldInfo):
            # `limit: int = Field(10, le=100)`, as FastMCP tools write it: the constraints move
            # into the annotation, the default (if any) stays the parameter's default.
            annotation = Annotated[
                annotation, FieldInfo.merge_field_infos(default, default=PydanticUndefined)
            ]
            default = ... if default.default is PydanticUndefined else default.default
        if documented and not _has_description(annotation):
            info = Field(default, alias=parameter.name, description=documented)
        else:
            info = Field(default, alias=parameter.name)
        fields[field_name] = (annotation, info)
        parameters.append((field_name, parameter.name, parameter.kind is parameter.POSITIONAL_ONLY))
    try:
        model = create_model(
            f"{original}_arguments",
            __config__=ConfigDict(extra="forbid", populate_by_name=False, arbitrary_types_allowed=False),
            **fields,
        )
        input_schema = model.model_json_schema(schema_generator=_NoFieldTitles)
        output_schema = _output_schema(hints.get("return", inspect.Signature.empty))
    except Exception as error:
        raise ToolDefinitionError(
            f"{where}: its type hints cannot be turned into JSON Schema ({error}); "
            "use JSON-compatible types (str, int, float, bool, list, dict, Literal, pydantic models, "
            "dataclasses)"
        ) from error
    input_schema.pop("title", None)
    tool = ToolInfo(
        namespace=namespace,
        name=sanitize_identifier(original),
        original_name=original,
        description=description if description is not None else docs.description,
        input_schema=input_schema,
        output_schema=output_schema,
        annotations=annotations,
    )
    is_async = inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
        getattr(function, "__call__", None)  # noqa: B004 - async callable objects
    )
    return _Registered(tool, function, model, tuple(parameters), is_async)


def _has_description(annotation: Any) -> bool:
    """Whether `Annotated[T, Field(description=...)]` already describes the parameter."""
    if get_origin(annotation) is not Annotated:
        return False
    return any(isinstance(meta, FieldInfo) and meta.description for meta in get_args(annotation)[1:])


def _output_schema(annotation: Any) -> dict[str, Any] | None:
    """JSON Schema of the return annotation; None when there is none, it is None, or it is Any."""
    if (
        annotation is inspect.Signature.empty
        or annotation is None
        or annotation is type(None)
        or annotation is Any
    ):
        return None
    schema = TypeAdapter(annotation).json_schema(mode="serialization", schema_generator=_NoFieldTitles)
    return schema or None
