package io.genjobs.gateway.job;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Stores {@link JobStatus} by its lower-case wire name, which the table's check
 * constraint lists.
 */
@Converter(autoApply = true)
class JobStatusConverter implements AttributeConverter<JobStatus, String> {

	@Override
	public String convertToDatabaseColumn(JobStatus status) {
		return (status != null) ? status.wireName() : null;
	}

	@Override
	public JobStatus convertToEntityAttribute(String name) {
		return (name != null) ? JobStatus.fromWireName(name) : null;
	}

}
