"""The documentation site: page contexts, Jinja templates rendered to Markdown, charts, and the MkDocs build.

Gathering (``pages``) and rendering (``render``, ``charts``) never import MkDocs; only ``build``
and ``serve`` drive it, so the generated Markdown builds with any engine that reads ``mkdocs.yml``.
"""
