"""Every domain's models, imported once so that the metadata (and Alembic) sees all tables."""

from __future__ import annotations

from joinedup.access import auth_models, relationship_models
from joinedup.access import models as access_models
from joinedup.casework import leaving_care_models
from joinedup.casework import models as casework_models
from joinedup.chronology import models as chronology_models
from joinedup.db.base import Base
from joinedup.governance import models as governance_models
from joinedup.intake import models as intake_models
from joinedup.people import models as people_models
from joinedup.practice import models as practice_models
from joinedup.quality import models as quality_models
from joinedup.rules import models as rules_models
from joinedup.sharing import models as sharing_models
from joinedup.workforce import models as workforce_models

__all__ = [
    "Base",
    "access_models",
    "auth_models",
    "casework_models",
    "chronology_models",
    "governance_models",
    "intake_models",
    "leaving_care_models",
    "people_models",
    "practice_models",
    "quality_models",
    "relationship_models",
    "rules_models",
    "sharing_models",
    "workforce_models",
]
