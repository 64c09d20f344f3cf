package io.genjobs.gateway.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.List;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Resolves the address of each connection a guarded client opens and refuses, before
 * anything connects, the addresses {@link OutboundGuard} does not allow. Reactor Netty
 * connects to exactly the list resolved here, so what is checked is what is connected to.
 */
final class GuardedAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {

	private final OutboundGuard guard;

	GuardedAddressResolverGroup(OutboundGuard guard) {
		this.guard = guard;
	}

	@Override
	protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
		return new GuardedAddressResolver(executor, this.guard);
	}

	/**
	 * Implements {@link AddressResolver} directly because {@code AbstractAddressResolver}
	 * hands already-resolved addresses (IP literals in URLs) straight back, and Reactor
	 * Netty connects to a resolved address without asking the resolver at all unless
	 * {@link #isResolved} says no.
	 */
	private record GuardedAddressResolver(EventExecutor executor,
			OutboundGuard guard) implements AddressResolver<InetSocketAddress> {

		@Override
		public boolean isSupported(SocketAddress address) {
			return address instanceof InetSocketAddress;
		}

		@Override
		public boolean isResolved(SocketAddress address) {
			// Never: a resolved address must still pass through resolveAll to be checked.
			return false;
		}

		@Override
		public Future<InetSocketAddress> resolve(SocketAddress address) {
			return resolve(address, this.executor.newPromise());
		}

		@Override
		public Future<InetSocketAddress> resolve(SocketAddress address, Promise<InetSocketAddress> promise) {
			resolveAll(address).addListener((Future<List<InetSocketAddress>> all) -> {
				if (all.isSuccess()) {
					promise.trySuccess(all.getNow().get(0));
				}
				else {
					promise.tryFailure(all.cause());
				}
			});
			return promise;
		}

		@Override
		public Future<List<InetSocketAddress>> resolveAll(SocketAddress address) {
			return resolveAll(address, this.executor.newPromise());
		}

		@Override
		public Future<List<InetSocketAddress>> resolveAll(SocketAddress address,
				Promise<List<InetSocketAddress>> promise) {
			if (!(address instanceof InetSocketAddress socketAddress)) {
				return promise.setFailure(new UnsupportedAddressTypeException());
			}
			HostPort target = new HostPort(socketAddress.getHostString(), socketAddress.getPort());
			InetAddress resolved = socketAddress.getAddress();
			if (resolved != null) {
				complete(promise, target, List.of(resolved));
			}
			else if (target.isIpLiteral()) {
				complete(promise, target, List.of(literal(target)));
			}
			else {
				// The JDK resolver (which follows the host's configuration) blocks, so
				// it runs on a virtual thread, never on the event loop.
				Thread.ofVirtual().name("outbound-resolve").start(() -> lookUp(promise, target));
			}
			return promise;
		}

		private void lookUp(Promise<List<InetSocketAddress>> promise, HostPort target) {
			List<InetAddress> addresses;
			try {
				addresses = List.of(InetAddress.getAllByName(target.host()));
			}
			catch (UnknownHostException ex) {
				promise.tryFailure(ex);
				return;
			}
			complete(promise, target, addresses);
		}

		private void complete(Promise<List<InetSocketAddress>> promise, HostPort target, List<InetAddress> addresses) {
			try {
				this.guard.checkAddresses(target, addresses);
			}
			catch (OutboundRefusedException ex) {
				promise.tryFailure(ex);
				return;
			}
			promise.trySuccess(
					addresses.stream().map((address) -> new InetSocketAddress(address, target.port())).toList());
		}

		private static InetAddress literal(HostPort target) {
			try {
				return InetAddress.getByName(target.host());
			}
			catch (UnknownHostException ex) {
				throw new IllegalStateException("IP literal " + target.host() + " did not parse", ex);
			}
		}

		@Override
		public void close() {
		}

	}

}
