/*
 * The audit trail: who did what to which sandbox, when, with the outcome. Never a secret value.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kars_audit_events', table => {
    table.comment('Who did what to which kars sandbox, when, with the outcome');
    table.bigIncrements('id').primary();
    table.string('sandbox', 63).notNullable();
    table.string('cluster', 63).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 32).notNullable();
    table.string('outcome', 16).notNullable();
    table.text('message').notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['sandbox', 'id'], 'kars_audit_events_sandbox_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kars_audit_events');
};
