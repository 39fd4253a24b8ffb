import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiAdminAuth } from '../admin-auth/api-admin-auth.decorator';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DatasourceView } from './datasource-settings';
import { DatasourcesService, type ReachabilityReport } from './datasources.service';
import { CreateDatasourceDto } from './dto/create-datasource.dto';
import { UpdateDatasourceDto } from './dto/update-datasource.dto';
import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';

@ApiTags('datasources')
@ApiAdminAuth()
@ApiErrorResponses(503)
@Controller('api/v1/datasources')
export class DatasourcesController {
  constructor(private readonly datasources: DatasourcesService) {}

  @Get()
  @ApiOperation({ summary: 'All datasources, by name (secrets shown as ***)' })
  list(): Promise<DatasourceView[]> {
    return this.datasources.list();
  }

  @Post()
  @ApiErrorResponses(400, [409, 'DATASOURCE_EXISTS: the name is taken'])
  @ApiOperation({ summary: 'Create a datasource (409 DATASOURCE_EXISTS when the name is taken)' })
  create(@Body() body: CreateDatasourceDto): Promise<DatasourceView> {
    return this.datasources.create(body);
  }

  @Get(':name')
  @ApiErrorResponses([404, 'DATASOURCE_NOT_FOUND'])
  @ApiOperation({ summary: 'One datasource (404 DATASOURCE_NOT_FOUND)' })
  get(@Param('name') name: string): Promise<DatasourceView> {
    return this.datasources.get(name);
  }

  @Patch(':name')
  @ApiErrorResponses(400, [404, 'DATASOURCE_NOT_FOUND'])
  @ApiOperation({
    summary: 'Change description, enabled or settings; settings merge field by field',
    description: 'A secret sent back as *** keeps its stored value. Name and type never change.',
  })
  update(@Param('name') name: string, @Body() body: UpdateDatasourceDto): Promise<DatasourceView> {
    return this.datasources.update(name, body);
  }

  @Delete(':name')
  @ApiErrorResponses([404, 'DATASOURCE_NOT_FOUND'])
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a datasource' })
  remove(@Param('name') name: string): Promise<void> {
    return this.datasources.remove(name);
  }

  @Post(':name/enable')
  @ApiErrorResponses([404, 'DATASOURCE_NOT_FOUND'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Serve the datasource again' })
  enable(@Param('name') name: string): Promise<DatasourceView> {
    return this.datasources.setEnabled(name, true);
  }

  @Post(':name/disable')
  @ApiErrorResponses([404, 'DATASOURCE_NOT_FOUND'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop serving the datasource (calls get 404 DATASOURCE_NOT_FOUND)' })
  disable(@Param('name') name: string): Promise<DatasourceView> {
    return this.datasources.setEnabled(name, false);
  }

  @Post(':name/test')
  @ApiErrorResponses([404, 'DATASOURCE_NOT_FOUND'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Check that the datasource answers (reachable: true/false)' })
  test(@Param('name') name: string): Promise<ReachabilityReport> {
    return this.datasources.test(name);
  }
}
