"""The API's only parser: DRF's JSON parser, made safe against a body nested too deep to parse."""

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # `[[[[…` 100,000 deep fits well under the size limit, and the standard library's decoder
            # answers it with a RecursionError, which DRF does not catch (a 500).
            raise exceptions.ParseError("JSON trop imbriqué.") from None
