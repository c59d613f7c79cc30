"""park.local_preference_percent: the park's local-preference policy

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('park', schema=None) as batch_op:
        batch_op.add_column(sa.Column('local_preference_percent', sa.Integer(),
                                      server_default='0', nullable=False))
        batch_op.create_check_constraint(
            'local_preference_percent_range',
            'local_preference_percent >= 0 AND local_preference_percent <= 100')


def downgrade() -> None:
    with op.batch_alter_table('park', schema=None) as batch_op:
        batch_op.drop_constraint('local_preference_percent_range', type_='check')
        batch_op.drop_column('local_preference_percent')
