"""A papermill engine that runs a notebook on a kernel started the project's way.

Registered under papermill's ``papermill.engine`` entry point as ``council-kernel`` (see
``pyproject.toml``), so anyone can use it::

    papermill -e council-kernel notebooks/20_cla_comparators.ipynb out.ipynb -p authority Leeds

It is papermill's own nbclient engine configured through nbclient's ``kernel_manager_class``
trait: unless a kernel manager is handed to it, nbclient builds a
:class:`~analysis.report.kernels.CouncilKernelManager` - a kernel over IPC sockets in a locked
temporary folder (no TCP ports to race for, and none of ipykernel's "Kernel is running over TCP
without encryption" on every run), with a parent-death signal (it dies with its caller) and its own
diagnostics kept off the terminal - and shuts it down and cleans it up as it would its own.  What
matters is still shown: a failing cell is the notebook's error and papermill's
``PapermillExecutionError``; a kernel that dies is nbclient's ``DeadKernelError``.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine

ENGINE_NAME = "council-kernel"


class CouncilKernelEngine(NBClientEngine):
    """papermill's nbclient engine whose kernels are :class:`~analysis.report.kernels.CouncilKernelManager`'s."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        if kwargs.get("km") is None:
            from .kernels import _kernel_manager_class

            kwargs.setdefault("kernel_manager_class", _kernel_manager_class())
        return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
