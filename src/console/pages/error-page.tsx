/** The console's own error page for GET requests (API routes keep the JSON error envelope). */
import { Layout } from './layout';

export function ErrorPage({ title, message }: { title: string; message: string }) {
  return (
    <Layout title={title}>
      <div class="page-narrow">
        <section class="card" aria-labelledby="error-heading">
          <div class="card-body stack">
            <h1 id="error-heading">{title}</h1>
            <p>{message}</p>
            <p><a class="button" href="/console">Back to automated tasks</a></p>
          </div>
        </section>
      </div>
    </Layout>
  );
}
