"""The project's papermill engines, registered under papermill's ``papermill.engine`` entry point
(see ``pyproject.toml``), so anyone can use them::

    papermill -e council-fork notebooks/20_cla_comparators.ipynb out.ipynb -p authority Leeds
    papermill -e council-kernel notebooks/20_cla_comparators.ipynb out.ipynb -p authority Leeds

Both are papermill's own nbclient engine, configured through nbclient's ``kernel_manager_class``
trait; nbclient executes the cells, records the outputs, enforces the cell timeout and reports a
failing cell (papermill's ``PapermillExecutionError``) or a process that died (nbclient's
``DeadKernelError``) as it always does.  What differs is the process that runs the cells:

``council-fork`` (what ``python -m analysis report`` uses)
    a child forked from the calling process (:mod:`analysis.report.forked`), running the cells in
    IPython's shell in-process (:mod:`analysis.report.child`) and exiting at the notebook's end.
    From a warm process - a report worker, which has imported the libraries and loaded the run's
    tables once - a notebook starts in a few milliseconds with nothing left by the previous
    one.  Python notebooks only.

``council-kernel`` (``report --engine kernel``; what JupyterLab and nbval use too)
    a Jupyter kernel started the project's way (:class:`~analysis.report.kernels.CouncilKernelManager`:
    IPC sockets in a locked temporary folder, a parent-death signal, history off, its own
    diagnostics off the terminal), one per notebook.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine
from papermill.exceptions import PapermillException

from .notebooks import FORK_ENGINE, KERNEL_ENGINE

__all__ = ["CouncilForkEngine", "CouncilKernelEngine"]


class CouncilKernelEngine(NBClientEngine):
    """papermill's nbclient engine whose kernels are :class:`~analysis.report.kernels.CouncilKernelManager`'s."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        """Execute the notebook papermill manages in a kernel started with the project's kernel
        manager (history off, the kernel's process group ended with the run), unless one is given."""
        if kwargs.get("km") is None:
            from .kernels import _kernel_manager_class

            kwargs.setdefault("kernel_manager_class", _kernel_manager_class())
        return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)


class CouncilForkEngine(NBClientEngine):
    """papermill's nbclient engine whose "kernel" is a child forked from this process
    (:class:`~analysis.report.forked.ForkKernelManager`)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        """Execute the notebook papermill manages in a child forked from this process, once this
        process is warm for it (a Python notebook only)."""
        language = cls.nb_language(nb_man.nb)
        if language != "python":
            raise PapermillException(f"the {FORK_ENGINE} engine runs Python notebooks; this one is written in "
                                     f"{language} (use -e {KERNEL_ENGINE}, or papermill's own engine)")
        from .forked import ForkKernelManager
        from .template import warm_for

        warm_for(nb_man.nb)  # a worker (a warm template) imports what the notebook imports, once
        kwargs.pop("km", None)  # a kernel of someone else's cannot be forked
        kwargs["kernel_manager_class"] = ForkKernelManager
        return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    @classmethod
    def nb_language(cls, nb, language=None):
        try:
            return super().nb_language(nb, language)
        except ValueError:  # no language in the notebook's metadata: it runs in this Python
            return "python"
