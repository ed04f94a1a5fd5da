"""`codemode types`: print the declarations the model would see (TypeScript, or Python stubs)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

import anyio

from codemode.commands._common import add_config_argument, add_language_argument, config_from_args
from codemode.tokenizer import count_tokens

if TYPE_CHECKING:
    from codemode.config import Config
    from codemode.dialect import Language


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "types",
        help="print the declarations of the configured tools (TypeScript, or Python stubs)",
        description="Print the declarations the model reads in the `code` tool's description: "
        "TypeScript, or Python stubs with --language python.",
    )
    add_config_argument(parser)
    add_language_argument(parser, "default: the config's, else typescript")
    parser.add_argument(
        "--description",
        action="store_true",
        help="print the whole `code` tool description (index form when over the token budget)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    language: Language = args.language or (config.settings.language if config is not None else "typescript")
    text = anyio.run(_render, config, args.description, language)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    comment = "#" if language == "python" else "//"
    print(f"{comment} {count_tokens(text):,} tokens (o200k_base)", file=sys.stderr)
    return 0


async def _render(config: Config | None, whole_description: bool, language: Language) -> str:
    from codemode.app import engine_settings, open_toolbox
    from codemode.description import describe, unavailable

    async with open_toolbox(config) as toolbox:
        down = unavailable(toolbox.status())
        settings = engine_settings(config, demo=config is None, language=language)
        described = describe(
            toolbox.tools(),
            settings.token_budget,
            down,
            notice=settings.notice,
            approvals=settings.approvals,
            language=settings.language,
        )
    return described.description if whole_description else described.declarations
