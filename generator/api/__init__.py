"""The generation and history API (`/api/v1/`): one `APIView` per action, nested input serializers, and the
output serializers in `outputs` that every answer (and the schema) is built from.

Business rules live in services and selectors; these views parse, authorise, call, and shape the answer.
"""
