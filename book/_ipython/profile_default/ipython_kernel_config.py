# The book's IPython profile (book/_ext/dqn_book.py points IPYTHONDIR here while the chapters execute).
# "retina": matplotlib figures are saved at twice their pixel size and shown at their normal size, so
# they stay sharp on high-density screens (phones, laptops).
c = get_config()  # noqa: F821
c.InlineBackend.figure_formats = {"retina"}
