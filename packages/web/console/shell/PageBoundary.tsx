/** Keeps a crashing page (or a page chunk that failed to load) from taking the whole console down. */
import { Component } from 'react';
import type { ReactNode } from 'react';
import { ErrorState } from '../../ui/components/states';

interface State {
  error: unknown;
}

export class PageBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override render() {
    if (this.state.error !== null)
      return (
        <div className="page">
          <ErrorState error={this.state.error} onRetry={() => this.setState({ error: null })} />
        </div>
      );
    return this.props.children;
  }
}
