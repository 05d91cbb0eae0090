"""Validates A2A agent cards with the official A2A Python SDK (a2a-sdk).

Reads a JSON object of labelled cards ({"label": card, ...}) from the file named by the first
argument and prints a JSON object {"sdk": version, "errors": {"label": ["field: message", ...]}}:
each card is parsed as the SDK's AgentCard (strict ProtoJSON, so a field the type does not know
is an error too) and then checked with the SDK's required-field validation. A card without
errors has an empty list.
"""

import json
import sys
from importlib.metadata import version

from a2a.types import AgentCard
from a2a.utils.errors import InvalidParamsError
from a2a.utils.proto_utils import validate_proto_required_fields
from google.protobuf.json_format import ParseDict, ParseError


def card_errors(card: object) -> list[str]:
    """The SDK's objections to one card, as "field: message" lines."""
    try:
        message = ParseDict(card, AgentCard(), ignore_unknown_fields=False)
    except ParseError as e:
        return [f'(parse): {e}']
    try:
        validate_proto_required_fields(message)
    except InvalidParamsError as e:
        return [f"{d['field']}: {d['message']}" for d in e.data['errors']]
    return []


def main() -> None:
    with open(sys.argv[1], encoding='utf-8') as f:
        cards = json.load(f)
    print(
        json.dumps(
            {
                'sdk': version('a2a-sdk'),
                'errors': {label: card_errors(card) for label, card in cards.items()},
            }
        )
    )


if __name__ == '__main__':
    main()
