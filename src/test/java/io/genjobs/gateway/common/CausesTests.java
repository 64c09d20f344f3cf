package io.genjobs.gateway.common;

import java.io.IOException;
import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CausesTests {

	@Test
	void findsACauseOfATypeAnywhereInTheChain() {
		ConnectException refused = new ConnectException("refused");
		RuntimeException wrapped = new RuntimeException(new IllegalStateException(refused));
		assertThat(Causes.find(wrapped, ConnectException.class)).isSameAs(refused);
		assertThat(Causes.find(wrapped, IOException.class)).isSameAs(refused);
		assertThat(Causes.has(wrapped, ArithmeticException.class)).isFalse();
		assertThat(Causes.root(wrapped)).isSameAs(refused);
	}

	@Test
	void aCycleInTheChainEnds() {
		RuntimeException first = new RuntimeException("first");
		RuntimeException second = new RuntimeException("second", first);
		first.initCause(second);
		assertThat(Causes.has(first, ArithmeticException.class)).isFalse();
		assertThat(Causes.root(first)).isIn(first, second);
		assertThat(Causes.find(null, RuntimeException.class)).isNull();
	}

}
