package io.genjobs.gateway.common.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.hibernate.exception.GenericJDBCException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.orm.jpa.JpaSystemException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How database failures are answered, with the exception chains a restart of PostgreSQL
 * produced in {@code bench/chaos-pg-restart.sh}: unavailable is 503 with
 * {@code Retry-After}, anything else about the data stays 500.
 */
class ProblemResponsesTests {

	private final JsonMapper json = JsonMapper.builder().build();

	private final ProblemResponses responses = new ProblemResponses(this.json);

	@Test
	void aStatementCutOffByAnAdministratorShutdownIs503() {
		// What a query in flight gets when PostgreSQL stops (Hibernate: generic JDBC
		// error).
		SQLException shutdown = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
		MockServerWebExchange exchange = handle(
				new JpaSystemException(new GenericJDBCException("JDBC exception executing SQL", shutdown)));

		assertServiceUnavailable(exchange);
	}

	@Test
	void aConnectionClosedUnderAStatementIs503() {
		MockServerWebExchange exchange = handle(new JpaSystemException(
				new GenericJDBCException("Unable to rollback", new SQLException("Connection is closed", "08003"))));

		assertServiceUnavailable(exchange);
	}

	@Test
	void aFailedRollbackOnAConnectionHikariClosedIs503() {
		// As logged by bench/chaos-pg-restart.sh: a statement failed with 57P01, Hikari
		// closed the connection, and the rollback's exception (no SQLSTATE) replaced the
		// statement's.
		MockServerWebExchange exchange = handle(new JpaSystemException(new org.hibernate.TransactionException(
				"Unable to rollback against JDBC Connection", new SQLException("Connection is closed"))));

		assertServiceUnavailable(exchange);
	}

	@Test
	void noConnectionWithinThePoolTimeoutIs503() {
		MockServerWebExchange exchange = handle(new CannotCreateTransactionException("Could not open JPA EntityManager",
				new SQLTransientConnectionException("HikariPool-1 - Connection is not available", "08001")));

		assertServiceUnavailable(exchange);
	}

	@Test
	void otherDatabaseErrorsStay500() {
		MockServerWebExchange violation = handle(new DataIntegrityViolationException("duplicate key",
				new SQLException("duplicate key value violates unique constraint", "23505")));
		MockServerWebExchange missingTable = handle(new JpaSystemException(new GenericJDBCException("JDBC exception",
				new SQLException("relation \"jobs\" does not exist", "42P01"))));

		assertThat(violation.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(missingTable.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(missingTable.getResponse().getHeaders().getContentType())
			.isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
	}

	private MockServerWebExchange handle(Throwable ex) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/jobs"));
		this.responses.handle(exchange, ex).block();
		return exchange;
	}

	private void assertServiceUnavailable(MockServerWebExchange exchange) {
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("5");
		JsonNode body = this.json.readTree(exchange.getResponse().getBodyAsString().block());
		assertThat(body.get("type").asString()).endsWith("/problems/service-unavailable");
		assertThat(body.get("status").asInt()).isEqualTo(503);
	}

}
