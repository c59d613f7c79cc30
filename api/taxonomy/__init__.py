"""The taxonomy: product and service categories with their KBLI 2020 codes."""

from api.taxonomy.routes import router

__all__ = ["router"]
