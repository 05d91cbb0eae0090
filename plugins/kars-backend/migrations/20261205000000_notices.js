/*
 * The notices kars portal has sent its owners, one row per transition (a budget window passing 90 %
 * or running out in one period), so a check, a restart or a second replica never sends one twice.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kars_notices', table => {
    table.comment('Notices sent to sandbox owners, once per transition');
    table.string('cluster', 63).notNullable();
    table.string('sandbox', 63).notNullable();
    table.string('subject', 32).notNullable();
    table.string('period', 16).notNullable();
    table.string('level', 16).notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['cluster', 'sandbox', 'subject', 'period', 'level']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kars_notices');
};
