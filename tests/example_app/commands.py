import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("example-hello", help="say hello (the example part of the service)")
    p.set_defaults(handler=lambda args: print("hello from the example app") or 0)
