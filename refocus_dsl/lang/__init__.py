"""The language: text -> Program -> diagnostics -> edits.

``parser`` (Lark's runtime over ``grammar/refocus.lark``) builds the ``ast``;
``checker`` binds it to a layout through ``targets`` and ``labels``;
``interpreter`` runs it with the registry's tools; ``pipeline.compile_program``
is the one place the three are assembled. ``compat`` reads the paper's calls,
``printer`` writes programs back, ``diagnostics`` and ``render`` say what is wrong,
``limits`` bounds every cost, ``docs_gen`` writes the reference from the plugins.
"""
