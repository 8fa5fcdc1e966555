"""The machinery around the chapter's program: none of it is the chapter's subject.

nn_from_scratch.py imports nothing from here; every module here that needs the chapter's
functions imports nn_from_scratch. `python nn_from_scratch.py ARGS` hands its command line to
`python -m companion ARGS` (__main__.py, run.py). docs/layout.md says what each module holds.
"""
