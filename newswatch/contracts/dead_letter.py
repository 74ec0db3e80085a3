"""The dead-letter record on ``news.dlq``: a record a role could not process, with the
error and where it came from, so nothing is silently dropped. Key: the source record's key."""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

DLQ_SCHEMA_VERSION = 1


class DeadLetter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schema_version: Literal[1] = DLQ_SCHEMA_VERSION
    role: str = Field(description="The role that failed: process, alert...")
    error_type: str
    error: str
    source_topic: str
    partition: int
    offset: int
    key: str | None = None
    value: str = Field(description="The source record's value: UTF-8 text, or base64 if not UTF-8")
    value_encoding: Literal["utf-8", "base64"] = "utf-8"
    failed_at: AwareDatetime
